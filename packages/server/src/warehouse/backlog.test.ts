import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../stream/event-log.js';
import { BacklogCounter } from './backlog.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openLog(): EventLog {
  const dir = mkdtempSync(join(tmpdir(), 'signalbox-backlog-'));
  dirs.push(dir);
  const log = new EventLog(dir);
  log.open();
  return log;
}

const events = (n: number) => Array.from({ length: n }, (_, i) => `T\t1000\tline ${i}\n`).join('');

describe('the loader backlog', () => {
  it('counts event records after the cursor as they are logged and as the loader passes them', () => {
    const log = openLog();
    const counter = new BacklogCounter(log);
    const start = log.position();
    expect(counter.look({ cursor: start, eventsPassed: 0, cursorKnown: true }, 1)).toEqual({ events: 0, bytes: 0, lastLoadAt: null, caughtUpAt: 1 });

    log.append(events(3));
    log.append('V\t[]\n'); // a view change is not an event
    const middle = log.position();
    log.append(events(2));
    expect(counter.look({ cursor: start, eventsPassed: 0, cursorKnown: true }, 2)).toMatchObject({ events: 5, lastLoadAt: null, caughtUpAt: 1 });

    // The loader loads the first batch: three events (and the view change) passed.
    const behind = counter.look({ cursor: middle, eventsPassed: 3, cursorKnown: true }, 3);
    expect(behind).toEqual({ events: 2, bytes: log.bytesAfter(middle), lastLoadAt: 3, caughtUpAt: 1 });
    expect(counter.look({ cursor: log.position(), eventsPassed: 5, cursorKnown: true }, 4)).toEqual({ events: 0, bytes: 0, lastLoadAt: 4, caughtUpAt: 4 });
  });

  it('counts afresh once the cursor stored in the warehouse is known, or when the loader passed all it had counted', () => {
    const log = openLog();
    const counter = new BacklogCounter(log);
    const start = log.position();
    log.append(events(4));
    const stored = log.position();
    log.append(events(1));
    // Warehouse not reached yet: everything in the log counts.
    expect(counter.look({ cursor: start, eventsPassed: 0, cursorKnown: false }, 1).events).toBe(5);
    // The stored cursor says the first four were loaded by an earlier run.
    expect(counter.look({ cursor: stored, eventsPassed: 0, cursorKnown: true }, 2).events).toBe(1);
    log.append(events(2));
    const end = log.position();
    log.append(events(3));
    // Between two looks the loader passed records this counter never saw.
    expect(new BacklogCounter(log).look({ cursor: end, eventsPassed: 3, cursorKnown: true }, 3).events).toBe(3);
    expect(counter.look({ cursor: end, eventsPassed: 3, cursorKnown: true }, 3).events).toBe(3);
  });
});
