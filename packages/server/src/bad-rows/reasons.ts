/**
 * Every reason an enriched event is rejected (design §5: a bad row is kept "with its reasons").
 *
 * The codecs in core stop at the first problem, which is what the hot path wants. Only for an
 * input already rejected, these functions ask the same codecs again and again: each time a
 * problem names its field, that field is set aside (emptied, or given a valid placeholder when it
 * is required) and the input is parsed once more, until it parses or a problem names no field.
 * So the rules stay in one place — core's parsers — and a row with three problems lists three.
 */
import { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX, EnrichedEventError, normalizeEnrichedJson, parseEnrichedTsv } from '@signalbox/core';

/** Hostile input can hold thousands of problems; a bad row lists this many, then says there are more. */
export const MAX_REASONS = 50;
const MORE = `… more problems not listed (a bad row lists at most ${MAX_REASONS})`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A value that passes the codec for a required field, so the fields after it are still checked. */
function placeholder(index: number, format: 'tsv' | 'json'): string {
  const field = ENRICHED_FIELDS[index]!;
  if (!('required' in field)) return '';
  if (field.kind !== 'timestamp') return 'x';
  return format === 'tsv' ? '1970-01-01 00:00:00.000' : '1970-01-01T00:00:00.000Z';
}

/**
 * Parse again and again, setting aside each field a problem names. `setAside` answers false when
 * the field cannot be set aside (then the search stops: the next parse would fail the same way).
 */
function collect(parse: () => void, setAside: (field: string) => boolean): string[] {
  const reasons: string[] = [];
  for (;;) {
    try {
      parse();
      return reasons;
    } catch (error) {
      if (reasons.length === MAX_REASONS) return [...reasons, MORE];
      reasons.push(messageOf(error));
      const field = error instanceof EnrichedEventError ? error.field : undefined;
      if (field === undefined || !setAside(field)) return reasons;
    }
  }
}

/** Every problem of one enriched TSV line (without its line break). */
export function tsvReasons(line: string): string[] {
  const columns = line.split('\t');
  const setAside = new Set<number>();
  return collect(
    () => parseEnrichedTsv(columns.join('\t')),
    (field) => {
      const index = ENRICHED_FIELD_INDEX.get(field);
      // A line with the wrong number of fields has no columns to speak of: that one reason says it.
      if (index === undefined || columns.length !== ENRICHED_FIELD_COUNT || setAside.has(index)) return false;
      setAside.add(index);
      columns[index] = placeholder(index, 'tsv');
      return true;
    },
  );
}

/** Every problem of one element of a JSON array of enriched events. */
export function jsonReasons(item: unknown): string[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return collect(() => normalizeEnrichedJson(item), () => false);
  // A copy to set keys aside in; spreading defines own properties, so a `__proto__` key stays a key.
  const event: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  const setAside = new Set<string>();
  return collect(
    () => normalizeEnrichedJson(event),
    (field) => {
      if (setAside.has(field)) return false;
      setAside.add(field);
      const index = ENRICHED_FIELD_INDEX.get(field);
      const required = index === undefined ? '' : placeholder(index, 'json');
      if (required !== '') event[field] = required;
      else delete event[field];
      return true;
    },
  );
}
