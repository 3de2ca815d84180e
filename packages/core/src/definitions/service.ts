/** Services (reference §2.9): unversioned named lists of pinned group versions that apps read from. */
import { z } from 'zod';
import { Description, IsPublished, Name, Owner, VersionedLink } from './common.js';

export const Service = z.object({
  name: Name,
  description: Description,
  owner: Owner,
  attribute_groups: z.array(VersionedLink).min(1).max(100),
  is_published: IsPublished,
});
export type Service = z.output<typeof Service>;
