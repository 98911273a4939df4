import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EndofaceError } from '../core/index.js';
import { OUTPUT_MARKER } from './files.js';

/** The nearest of `path` and its parents that exists and is not a folder (what blocks a mkdir). */
async function blockingFile(path: string): Promise<string | undefined> {
  for (let p = path; ; p = dirname(p)) {
    const info = await stat(p).catch(() => undefined);
    if (info && !info.isDirectory()) return p;
    if (info || dirname(p) === p) return undefined;
  }
}

/**
 * Creates the output folder `dir` (and `subfolders` in it) or refuses it with `output_not_writable`
 * saying why (a file in the way, no permission) — called before any long work, so that no feature
 * extraction or explanation is wasted on a run that could not write its results.
 *
 * A run's figure folders (its `subfolders`, else `dir` itself; only with a `runFile`) get
 * {@link OUTPUT_MARKER}, so later runs do not read them back.
 *
 * @returns `earlierRun`: a note when `runFile` (the run's summary, e.g. screen.json) is already there.
 *   Nothing is deleted — the files are the user's — so per-photo files of photos that are not in
 *   this run stay beside the new summary, which lists only this run's photos; the note says so.
 */
export async function prepareOutputDir(
  dir: string,
  options: { subfolders?: readonly string[]; runFile?: string } = {},
): Promise<{ earlierRun?: string }> {
  const earlier = options.runFile ? await stat(join(dir, options.runFile)).catch(() => undefined) : undefined;
  for (const folder of [dir, ...(options.subfolders ?? []).map((s) => join(dir, s))]) {
    try {
      await mkdir(folder, { recursive: true });
      await access(folder, constants.W_OK);
    } catch (e) {
      const file = await blockingFile(folder);
      const why = file
        ? `${file} is a file, not a folder`
        : (e as NodeJS.ErrnoException).code === 'EACCES'
          ? `no permission to write in ${folder}`
          : (e as Error).message;
      throw new EndofaceError('output_not_writable', `output folder ${dir}: ${why}`, {
        parameter: 'out',
        value: dir,
        ...(file ? { file } : {}),
      });
    }
  }
  // The folders a run writes figures into are marked, so that no later run searching a parent
  // folder reads them as photos: its subfolders, or the folder itself when it has none (the files
  // directly in a marked folder are passed over; folders below it are still searched).
  if (options.runFile) {
    const subfolders = options.subfolders ?? [];
    for (const folder of subfolders.length ? subfolders.map((f) => join(dir, f)) : [dir])
      await markFigureFolder(folder);
  }
  if (!earlier?.isFile()) return {};
  return {
    earlierRun: `${dir} holds an earlier run (${options.runFile} of ${earlier.mtime.toISOString().slice(0, 16).replace('T', ' ')}): it is replaced; files of photos not in this run are left as they were`,
  };
}

/** Marks a folder of a run's figures (see OUTPUT_MARKER): later folder searches pass over its files. */
export async function markFigureFolder(folder: string): Promise<void> {
  await writeChecked(
    join(folder, OUTPUT_MARKER),
    'Written by endoface: the files in this folder are output of a run; endoface does not take them as photos unless the folder is named.\n',
  );
}

/**
 * Runs a write of `path` (its folder created first); a failure (a file where a folder should be, disk
 * full, permissions changed after the up-front check) becomes `output_not_writable` naming the file.
 */
export async function checkedWrite(path: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await write();
  } catch (e) {
    throw new EndofaceError('output_not_writable', `cannot write ${path}: ${(e as Error).message}`, {
      file: path,
    });
  }
}

/** Writes text or bytes to `path` through {@link checkedWrite}. */
export async function writeChecked(path: string, data: string | Uint8Array): Promise<void> {
  await checkedWrite(path, () => writeFile(path, data));
}
