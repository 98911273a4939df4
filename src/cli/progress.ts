/**
 * Progress on stderr: a one-line bar redrawn in place on a terminal; elsewhere (a log, a pipe, CI)
 * a plain line when a stage starts, at most every 10 seconds, and when it ends, so a long run is
 * never silent and a log is never flooded.
 */
import { basename } from 'node:path';
import type { JobProgress } from '../jobs/index.js';

const LINE_EVERY_MS = 10_000;

export interface Progress {
  update(p: JobProgress): void;
  done(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let drawn = false;
  let lastLine = 0;
  let lastStage = '';
  return {
    update({ stage, done, total, item }) {
      const elapsed = (Date.now() - started) / 1000;
      const eta = done > 0 ? ((total - done) * elapsed) / done : 0;
      const note = item ? basename(item) : '';
      if (tty) {
        const width = 28;
        const frac = total > 0 ? done / total : 1;
        const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
        const line = `${label} ${stage} ${bar} ${done}/${total}  ${elapsed.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left  ${note}`;
        const columns = stream.columns ?? 120;
        stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(120, columns - 1))}`);
        drawn = true;
        return;
      }
      const now = Date.now();
      const newStage = stage !== lastStage;
      if (!newStage && done < total && now - lastLine < LINE_EVERY_MS) return;
      lastStage = stage;
      lastLine = now;
      stream.write(
        `${label}${stage === label ? '' : ` ${stage}`}: ${done}/${total}, ${elapsed.toFixed(0)} s${done > 0 && done < total ? `, ~${eta.toFixed(0)} s left` : ''}\n`,
      );
    },
    done() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
