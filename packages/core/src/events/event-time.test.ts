import { describe, expect, it } from 'vitest';
import { eventTime } from './event-time.js';

const NOW = Date.parse('2025-05-01T12:00:00.000Z');

describe('eventTime', () => {
  it('is derived_tstamp when the event has one', () => {
    const event = { derived_tstamp: '2025-05-01T10:00:00.148Z', collector_tstamp: '2025-05-01T10:00:00.150Z' };
    expect(eventTime(event, NOW)).toBe(Date.parse('2025-05-01T10:00:00.148Z'));
  });

  it('falls back to collector_tstamp, in either timestamp form', () => {
    expect(eventTime({ collector_tstamp: '2025-05-01T10:00:00.150Z' }, NOW)).toBe(Date.parse('2025-05-01T10:00:00.150Z'));
    expect(eventTime({ collector_tstamp: '2025-05-01 10:00:00.150' }, NOW)).toBe(Date.parse('2025-05-01T10:00:00.150Z'));
    expect(eventTime({ derived_tstamp: 'not a time', collector_tstamp: '2025-05-01T10:00:00.150Z' }, NOW)).toBe(
      Date.parse('2025-05-01T10:00:00.150Z'),
    );
  });

  it('is the processing time when the event carries no time', () => {
    expect(eventTime({}, NOW)).toBe(NOW);
  });

  it('is never later than the processing time', () => {
    expect(eventTime({ derived_tstamp: '2030-01-01T00:00:00.000Z' }, NOW)).toBe(NOW);
  });
});
