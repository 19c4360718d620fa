// Progress lines for anything slow (scrypt, wrangler, HTTP), on stderr so stdout stays the
// command's result. A line is printed when a step starts and again, with its duration, when it ends.

export interface Reporter {
  /** A plain informational line (stdout-worthy results are printed by the commands themselves). */
  info(line: string): void;
  /** Runs a slow step with a start line and a done/failed line. */
  step<T>(label: string, run: () => Promise<T>): Promise<T>;
}

export function createReporter(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Reporter {
  return {
    info: (line) => write(line),
    async step(label, run) {
      const started = performance.now();
      write(`… ${label}`);
      try {
        const result = await run();
        write(`✓ ${label} (${formatSeconds(performance.now() - started)})`);
        return result;
      } catch (e) {
        write(`✗ ${label} failed (${formatSeconds(performance.now() - started)})`);
        throw e;
      }
    },
  };
}

/** A reporter that prints nothing, for library callers and unit tests. */
export const silentReporter: Reporter = createReporter(() => {});

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
