/**
 * Event selectors (reference §4.1): an attribute is fed by events matching any of its selectors;
 * each selector field present must equal the event's, and no selectors means every event.
 */
import type { EventSelector } from '../definitions/event-selector.js';
import type { EnrichedEvent } from '../events/index.js';

export function selectorMatches(selector: EventSelector, event: EnrichedEvent): boolean {
  return (
    (selector.name === undefined || selector.name === event['event_name']) &&
    (selector.vendor === undefined || selector.vendor === event['event_vendor']) &&
    (selector.version === undefined || selector.version === event['event_version'])
  );
}

export function eventMatches(selectors: readonly EventSelector[], event: EnrichedEvent): boolean {
  return selectors.length === 0 || selectors.some((s) => selectorMatches(s, event));
}
