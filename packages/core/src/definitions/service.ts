/** Services (reference §2.9): unversioned named lists of pinned group versions that apps read from. */
import { z } from 'zod';
import { BOOKKEEPING_FIELDS, Description, IsPublished, Name, Owner, VersionedLink, definitionObject } from './common.js';

export const Service = definitionObject({
  name: Name,
  description: Description,
  owner: Owner,
  attribute_groups: z.array(VersionedLink).min(1).max(100),
  is_published: IsPublished,
}, { ignored: BOOKKEEPING_FIELDS });
export type Service = z.output<typeof Service>;
