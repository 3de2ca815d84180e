/**
 * Log output for `signalbox start` that holds back what is logged while the server starts
 * (fastify's "Server listening", the loader's start) and writes it after the start banner, so
 * the banner reads in one piece in a terminal as in a pipe (issue 7, item 16).
 */
export interface HeldOutput {
  /** What pino writes to: one log line per call. */
  write(line: string): boolean;
  /** Write what was held, then pass every later line straight through. */
  release(): void;
}

export function heldOutput(out: NodeJS.WritableStream): HeldOutput {
  let held: string[] | undefined = [];
  return {
    write(line) {
      if (held) held.push(line);
      else out.write(line);
      return true;
    },
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) out.write(line);
    },
  };
}
