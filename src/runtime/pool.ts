import { Worker } from 'node:worker_threads';

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
