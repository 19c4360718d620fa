// Recognising SQLite constraint failures through D1 and drizzle's error wrapping.

/** "holders.sub" for "UNIQUE constraint failed: holders.sub", else undefined. */
export function uniqueViolation(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const m = /UNIQUE constraint failed: ([a-z_]+\.[a-z_]+)/.exec(e.message);
    if (m) return m[1];
  }
  return undefined;
}
