/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (logs and pipes stay clean).
 */
export function createProgress(label: string): {
  update(done: number, total: number, note?: string): void;
  done(): void;
} {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let drawn = false;
  return {
    update(done, total, note = '') {
      if (!tty) return;
      const width = 28;
      const frac = total > 0 ? done / total : 1;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      const elapsed = (Date.now() - started) / 1000;
      const eta = done > 0 ? ((total - done) * elapsed) / done : 0;
      const line = `${label} ${bar} ${done}/${total}  ${elapsed.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left  ${note}`;
      process.stderr.write(
        `\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd(Math.min(120, (process.stderr.columns ?? 120) - 1))}`,
      );
      drawn = true;
    },
    done() {
      if (tty && drawn) process.stderr.write('\n');
    },
  };
}
