import { describe, expect, it } from 'vitest';
import { derivedTimestamp, formatTimestamp, parseEpochMillis } from './timestamps.js';

const at = (iso: string) => Date.parse(iso);

describe('timestamps (steps 1 and 10)', () => {
  it('formats epoch ms in the enriched notation', () => {
    expect(formatTimestamp(1746093600250)).toBe('2025-05-01 10:00:00.250');
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000');
  });

  it('agrees with Date.toISOString across days, years 0..9999 and before 1970', () => {
    const reference = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
    const edges = [-62_167_219_200_000, -1, 0, 86_399_999, 86_400_000, 951_782_400_000 /* 2000-02-29 */, 253_402_300_799_999];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const samples = [...edges, ...Array.from({ length: 5000 }, () => Math.floor(-62_167_219_200_000 + random() * 315_569_520_000_000))];
    for (const ms of samples) expect(formatTimestamp(ms), String(ms)).toBe(reference(ms));
  });

  it('reads tracker timestamps as integer ms in years 0..9999', () => {
    expect(parseEpochMillis('1746093599900')).toBe(1746093599900);
    expect(parseEpochMillis('-1000')).toBe(-1000);
    for (const bad of ['', '12.5', '1e12', ' 1', 'abc', '253402300800000', '99999999999999999']) {
      expect(typeof parseEpochMillis(bad), bad).toBe('object');
    }
  });

  it('derives the time from the device delay: collector - (sent - created) (7.1: 10:00:00.250 - 100 ms)', () => {
    const collector = at('2025-05-01T10:00:00.250Z');
    const d = derivedTimestamp({ collector, created: at('2025-05-01T09:59:59.900Z'), sent: at('2025-05-01T10:00:00.000Z') });
    expect(formatTimestamp(d)).toBe('2025-05-01 10:00:00.150');
  });

  it('trusts the true timestamp first', () => {
    expect(derivedTimestamp({ collector: 5000, created: 1000, sent: 2000, trueTime: 42 })).toBe(42);
  });

  it('falls back to the collector time without both device times or when created is not before sent', () => {
    expect(derivedTimestamp({ collector: 5000 })).toBe(5000);
    expect(derivedTimestamp({ collector: 5000, created: 1000 })).toBe(5000);
    expect(derivedTimestamp({ collector: 5000, sent: 1000 })).toBe(5000);
    expect(derivedTimestamp({ collector: 5000, created: 2000, sent: 2000 })).toBe(5000);
    expect(derivedTimestamp({ collector: 5000, created: 3000, sent: 2000 })).toBe(5000);
  });

  it('ignores the device clock being far off: only the delay counts', () => {
    // A device clock a year behind, 30 ms between creating and sending.
    expect(derivedTimestamp({ collector: at('2026-01-01T00:00:00.000Z'), created: at('2025-01-01T00:00:00.000Z'), sent: at('2025-01-01T00:00:00.030Z') }))
      .toBe(at('2025-12-31T23:59:59.970Z'));
  });
});
