/** Wait for a promise at most `ms`: its value, or why there is none (it failed, or took too long). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

export function withinTime<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${ms} ms` }), ms);
    timer.unref();
  });
  const answer = promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
