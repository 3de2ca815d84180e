/**
 * The Event source contract (design §4 "Event source"): events are appended durably (the
 * collector, `POST /api/v1/events`), and consumed in batches by named consumers (the engine, the
 * warehouse loader) at opaque positions. A consumer acknowledges a batch only after its effects
 * are committed; what was delivered and not acknowledged is delivered again after a restart, so
 * with the Profiles Store's per-identifier dedupe the effect is exactly once.
 *
 * Every implementation runs `eventSourceConformance` (conformance.ts).
 */
import type { EventFormat } from './log-record.js';

/** An accepted event as the source keeps it: the text it arrived as. */
export interface SourcedEvent {
  format: EventFormat;
  text: string;
}

/** A delivered event with the processing time recorded when it was appended. */
export interface DeliveredEvent extends SourcedEvent {
  now: number;
}

export interface DeliveredBatch {
  events: DeliveredEvent[];
  /** Opaque: acknowledge it to commit everything up to the end of this batch. */
  position: string;
}

export interface EventSource {
  /** Append events processed at `now`; resolved once they survive a crash. */
  append(events: readonly SourcedEvent[], now: number): Promise<void>;

  /**
   * The next batch (at most `max` events) for `consumer` after what it was last delivered, or
   * undefined when there is nothing new. Consumers read independently of each other.
   */
  consume(consumer: string, max: number): Promise<DeliveredBatch | undefined>;

  /** The consumer has committed everything up to `position`; it is not delivered again. */
  ack(consumer: string, position: string): Promise<void>;

  close(): Promise<void>;
}
