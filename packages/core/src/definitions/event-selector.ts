/**
 * Event selectors (reference §2.2): each field present must equal the event's, absent fields
 * match anything. Event specifications (tracking plans) are not available, and a selector that
 * named only one would match every event, so `event_specification_id` is refused.
 */
import { z } from 'zod';
import { definitionObject, optional } from './common.js';

export const EventSelector = definitionObject({
  name: optional(z.string().min(1).max(128).regex(/^[a-zA-Z0-9-_]+$/)),
  vendor: optional(z.string().min(1).max(128).regex(/^[a-zA-Z0-9-_.]+$/)),
  version: optional(z.string().regex(/^[0-9]+-[0-9]+-[0-9]+$/, { message: 'must be a SchemaVer such as 1-0-0' })),
}, {
  unsupported: { event_specification_id: 'event specifications are not available; select events by vendor, name and version' },
});
export type EventSelector = z.output<typeof EventSelector>;
