/** Event selectors (reference §2.2): each field present must equal the event's, absent fields match anything. */
import { z } from 'zod';
import { definitionObject, optional } from './common.js';

export const EventSelector = definitionObject({
  name: optional(z.string().min(1).max(128).regex(/^[a-zA-Z0-9-_]+$/)),
  vendor: optional(z.string().min(1).max(128).regex(/^[a-zA-Z0-9-_.]+$/)),
  version: optional(z.string().regex(/^[0-9]+-[0-9]+-[0-9]+$/, { message: 'must be a SchemaVer such as 1-0-0' })),
  event_specification_id: optional(z.string().min(1).max(256)),
});
export type EventSelector = z.output<typeof EventSelector>;
