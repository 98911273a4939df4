import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Worker threads beyond the CPU cores only add memory (each loads the models) and switching: on
 * this 2-core machine, `endoface detect` with 12 workers took 15.6 s and 1.6 GB against 5.5 s with 2
 * (timed once by hand, not by a bench script). Returns the count to use and a note when capped.
 */
export function capWorkers(
  requested: number,
  cores = availableParallelism(),
): { workers: number; note?: string } {
  if (requested <= cores) return { workers: requested };
  return {
    workers: cores,
    note: `${requested} worker threads asked for, ${cores} used: the number of CPU cores (more only cost memory)`,
  };
}

/**
 * A fixed pool of worker threads running one module. Each worker answers `{ id, task }` messages with
 * `{ id, ok: true, value }` or `{ id, ok: false, error }`. Under tsx (source checkout) the worker
 * gets the same TypeScript loader as the parent.
 */
export interface WorkerPool<TIn, TOut> {
  run(task: TIn): Promise<TOut>;
  close(): Promise<void>;
  readonly size: number;
}

interface Pending<TOut> {
  resolve: (v: TOut) => void;
  reject: (e: unknown) => void;
}

export type WorkerReply<TOut> =
  | { id: number; ok: true; value: TOut }
  | { id: number; ok: false; error: { code?: string; message: string; details?: Record<string, unknown> } };

/**
 * Starts a worker on a module. A `.ts` module (source checkout under tsx) is loaded through tsx's
 * register API from a small bootstrap: Node 20 does not apply `--import tsx` to a worker's entry.
 */
function spawn(moduleUrl: URL): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function createWorkerPool<TIn, TOut>(
  moduleUrl: URL,
  size: number,
  reviveError: (e: { code?: string; message: string; details?: Record<string, unknown> }) => Error,
): WorkerPool<TIn, TOut> {
  const workers = Array.from({ length: size }, () => spawn(moduleUrl));
  const idle: Worker[] = [...workers];
  const queue: { id: number; task: TIn }[] = [];
  const pending = new Map<number, Pending<TOut>>();
  const busy = new Map<Worker, number>();
  const alive = new Set<Worker>(workers);
  let closing = false;
  let nextId = 0;

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop() as Worker;
      const job = queue.shift() as { id: number; task: TIn };
      busy.set(w, job.id);
      w.postMessage(job);
    }
  };

  for (const w of workers) {
    w.on('message', (msg: WorkerReply<TOut>) => {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      busy.delete(w);
      idle.push(w);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(reviveError(msg.error));
      dispatch();
    });
    // A worker that dies fails its own task; when none is left, every queued task fails too.
    const die = (err: Error): void => {
      if (!alive.delete(w)) return;
      const id = busy.get(w);
      busy.delete(w);
      const k = idle.indexOf(w);
      if (k >= 0) idle.splice(k, 1);
      if (id !== undefined) {
        pending.get(id)?.reject(err);
        pending.delete(id);
      }
      if (alive.size === 0) {
        for (const job of queue.splice(0)) pending.get(job.id)?.reject(err);
        pending.clear();
      }
    };
    w.on('error', die);
    w.on('exit', (code) => die(new Error(`worker exited with code ${code}`)));
  }

  return {
    size,
    run(task: TIn): Promise<TOut> {
      const id = nextId++;
      return new Promise<TOut>((resolve, reject) => {
        if (alive.size === 0 || closing) return reject(new Error('worker pool has no live workers'));
        pending.set(id, { resolve, reject });
        queue.push({ id, task });
        dispatch();
      });
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export type PooledOutcome<TOut> =
  { index: number; ok: true; value: TOut } | { index: number; ok: false; error: unknown };

/**
 * libvips keeps one error buffer per process, so a worker's failure can lose its reason to another
 * thread clearing it: sharp then says "Unknown error" (seen once for a truncated JPEG under
 * workers, not reproduced in 7 later runs). Such a task is run once more, to report the real reason.
 */
const lostReason = (e: unknown): boolean => e instanceof Error && /Unknown error$/.test(e.message);

function runOnceMore<TIn, TOut>(pool: WorkerPool<TIn, TOut>, input: TIn): Promise<TOut> {
  return pool.run(input).catch((e: unknown) => (lostReason(e) ? pool.run(input) : Promise.reject(e)));
}

/**
 * Runs `task` over `inputs`, yielding each outcome as soon as it is ready (completion order; `index`
 * gives the input order). With `workers` > 0 the tasks run in a pool of worker threads on
 * `workerUrl` (which must answer with the same function); otherwise in this thread, one at a time.
 * A failed task is an outcome, never a thrown error, so a batch always runs to the end.
 */
export async function* runPooled<TIn, TOut>(
  inputs: readonly TIn[],
  options: {
    workers: number;
    workerUrl: URL;
    local: (input: TIn) => Promise<TOut>;
    reviveError: (e: { code?: string; message: string; details?: Record<string, unknown> }) => Error;
  },
): AsyncGenerator<PooledOutcome<TOut>> {
  if (options.workers <= 0 || inputs.length === 0) {
    for (const [index, input] of inputs.entries()) {
      try {
        yield { index, ok: true, value: await options.local(input) };
      } catch (error) {
        yield { index, ok: false, error };
      }
    }
    return;
  }
  const pool = createWorkerPool<TIn, TOut>(
    options.workerUrl,
    Math.min(capWorkers(options.workers).workers, inputs.length),
    options.reviveError,
  );
  try {
    // A bounded number of tasks in flight, so results stream out and memory stays flat.
    const inFlight = new Map<number, Promise<PooledOutcome<TOut>>>();
    let next = 0;
    const start = (index: number): void => {
      inFlight.set(
        index,
        runOnceMore(pool, inputs[index]).then(
          (value): PooledOutcome<TOut> => ({ index, ok: true, value }),
          (error): PooledOutcome<TOut> => ({ index, ok: false, error }),
        ),
      );
    };
    while (next < inputs.length && inFlight.size < pool.size * 2) start(next++);
    while (inFlight.size > 0) {
      const outcome = await Promise.race(inFlight.values());
      inFlight.delete(outcome.index);
      if (next < inputs.length) start(next++);
      yield outcome;
    }
  } finally {
    await pool.close();
  }
}

/** The sibling module of `importMetaUrl` named `name`, as .ts under tsx and .js once built. */
export function siblingModule(importMetaUrl: string, name: string): URL {
  return new URL(`./${name}${importMetaUrl.endsWith('.ts') ? '.ts' : '.js'}`, importMetaUrl);
}
