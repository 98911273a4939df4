import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import { fileReadError, type ReadErrorCode } from './read-error.js';

/** File endings taken when walking a folder (a file named explicitly is always taken). */
export const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.gif',
];

/** Whether `path` is `dir` or lies under it (both absolute, resolved the same way). */
export const isWithin = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + sep);

export interface CollectedFiles {
  /** Absolute paths, each once, in the order of the inputs (a folder's files by name). */
  files: string[];
  /** The index of the input each file was found under (parallel to `files`). */
  fileInputs: number[];
  /** Inputs that gave no photo (absent, a folder that cannot be read), with the reason and the input's index. */
  missing: { path: string; reason: ReadErrorCode; message: string; input: number }[];
  /** Folders passed over because an earlier endoface run wrote them (they hold {@link OUTPUT_MARKER}). */
  earlierOutputs: string[];
  /** Named folders in which no photo was found. */
  emptyFolders: string[];
}

/**
 * The file a run's figure folders carry (written by `prepareOutputDir`): the files directly in a
 * folder holding it are not taken as photos unless the folder is named (its subfolders are searched),
 * so that no run reads back an earlier run's figures, crops or phantoms found below a folder of photos.
 */
export const OUTPUT_MARKER = '.endoface-output';

export interface CollectOptions {
  /**
   * Folders the walk never enters: where a run writes its figures, so that the next run does not
   * read them back as photos. (Their subfolders are not the run's and are searched when named.)
   */
  exclude?: readonly string[];
}

export type CollectErrorCode = ReasonSubset<'input_in_output_folder'>;

interface WalkState {
  out: string[];
  /** The input each of `out` came from. */
  outInput: number[];
  /** The input being walked. */
  input: number;
  missing: CollectedFiles['missing'];
  /** Marked folders whose files were passed over: real path → the path met. */
  earlierOutputs: Map<string, string>;
  emptyFolders: string[];
  /** Real paths of the folders excluded. */
  exclude: string[];
  /** Real paths of the folders walked (their subfolders searched). */
  seen: Set<string>;
  /** Real paths of the folders whose photos were taken. */
  taken: Set<string>;
}

function isImage(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

const notFound = (path: string, input: number) =>
  ({ path, reason: 'file_not_found', message: `no such file or folder: ${path}`, input }) as const;

/** The folder's entries, or undefined (its reason recorded once) when it cannot be listed. */
async function listFolder(dir: string, state: WalkState, record: boolean) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const { code, message } = fileReadError(e, dir);
    if (record) state.missing.push({ path: dir, reason: code, message, input: state.input });
    return undefined;
  }
}

function take(state: WalkState, file: string): void {
  state.out.push(file);
  state.outInput.push(state.input);
}

async function walk(dir: string, state: WalkState, named = false): Promise<void> {
  const real = await realpath(dir);
  if (state.exclude.includes(real) || state.taken.has(real)) return;
  const firstVisit = !state.seen.has(real);
  state.seen.add(real);
  const entries = await listFolder(dir, state, firstVisit);
  if (!entries) return;
  // The files directly in an earlier run's figure folder are passed over, unless it is named (a
  // simulate run's images/); its subfolders are searched (an explain --out may hold photos below).
  const marked = !named && entries.some((e) => e.name === OUTPUT_MARKER);
  if (marked) state.earlierOutputs.set(real, dir);
  else {
    state.taken.add(real);
    state.earlierOutputs.delete(real);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    // A link is taken for what it points to (Dirent says only "link").
    const target = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
    if (target?.isDirectory()) {
      // Subfolders once: a symlinked folder is walked once, and a link cycle ends.
      if (firstVisit) await walk(p, state);
    } else if (marked || !isImage(e.name)) continue;
    else if (!target) state.missing.push(notFound(p, state.input));
    else if (target.isFile()) take(state, p);
  }
}

/** Real paths of the folders to exclude that exist (one that does not yet holds nothing to skip). */
async function realFolders(folders: readonly string[]): Promise<string[]> {
  const real = await Promise.all(folders.map((f) => realpath(f).catch(() => undefined)));
  return real.filter((f): f is string => f !== undefined);
}

/**
 * Expands files and folders (recursively, image endings only, following links) into a de-duplicated
 * file list: inputs in the order given, each folder's files sorted by name. Below a named folder, the
 * files of an earlier run's figure folders are passed over (`earlierOutputs`); a folder that cannot be read is
 * listed in `missing`, a named folder without photos in `emptyFolders`.
 *
 * @throws `input_in_output_folder` when an input folder is an excluded folder: its photos and the
 *   run's figures could not be told apart
 */
export async function collectImageFiles(
  inputs: readonly string[],
  options: CollectOptions = {},
): Promise<CollectedFiles> {
  const state: WalkState = {
    out: [],
    outInput: [],
    input: 0,
    missing: [],
    earlierOutputs: new Map(),
    emptyFolders: [],
    exclude: await realFolders(options.exclude ?? []),
    seen: new Set(),
    taken: new Set(),
  };
  for (const [index, input] of inputs.entries()) {
    state.input = index;
    const info = await stat(input).catch(() => undefined);
    if (!info) state.missing.push(notFound(input, index));
    else if (info.isDirectory()) {
      if (state.exclude.includes(await realpath(input))) {
        throw new EndofaceError<CollectErrorCode>(
          'input_in_output_folder',
          `${input} is where this run writes its figures: they could not be told from the photos there; write the output elsewhere`,
          { file: input, exclude: options.exclude },
        );
      }
      const problems = state.missing.length;
      await walk(input, state, true);
      // A named folder without photos in or below it is said (by the caller), not dropped in silence.
      const folder = resolve(input);
      if (state.missing.length === problems && !state.out.some((f) => isWithin(resolve(f), folder)))
        state.emptyFolders.push(input);
    } else take(state, input);
  }
  // A photo met twice (a folder and a file in it, a link) is taken once, where first met.
  const first = new Map<string, number>();
  state.out.forEach((f, i) => {
    if (!first.has(resolve(f))) first.set(resolve(f), state.outInput[i]);
  });
  return {
    files: [...first.keys()],
    fileInputs: [...first.values()],
    missing: state.missing,
    earlierOutputs: [...state.earlierOutputs.values()],
    emptyFolders: state.emptyFolders,
  };
}

/** Letters and digits of any script are kept (张三.jpg and 李四.jpg stay apart); anything else becomes `_`. */
function safeName(text: string): string {
  return text.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}_.-]+/gu, '_');
}

/** Bytes a stem may take: the longest output name adds `.acromegaly.heatmap.png` and must stay under 255. */
const MAX_STEM_BYTES = 160;

/** A stem cut to {@link MAX_STEM_BYTES} (deep paths, long non-Latin names), kept unique by a short hash of the whole. */
function capped(stem: string): string {
  if (Buffer.byteLength(stem) <= MAX_STEM_BYTES) return stem;
  const hash = createHash('sha256').update(stem).digest('hex').slice(0, 8);
  let cut = stem;
  while (Buffer.byteLength(cut) > MAX_STEM_BYTES - 9) cut = cut.slice(0, -1);
  return `${cut}_${hash}`;
}

/** Case-insensitive, as on the file systems of macOS and Windows (Face.json is face.json there). */
function key(stem: string): string {
  return stem.toLowerCase();
}

/**
 * A short, unique, filesystem-safe name for each file: its path relative to the files' common folder,
 * without extension, with separators turned into `__` (two photos named `1.jpg` in different folders
 * stay apart). Names that would still collide (face.jpg beside face.png, or names differing only in
 * case or in dropped characters) keep their extension (`face.jpg`, `face.png`), then take a numeric
 * suffix (`face.jpg_2`) in input order; a name that collides with no other is unchanged.
 */
export function uniqueStems(files: readonly string[]): string[] {
  if (files.length === 0) return [];
  const parts = files.map((f) => resolve(f).split(sep));
  let common = parts[0].length - 1;
  for (const p of parts) {
    let i = 0;
    while (i < common && i < p.length - 1 && p[i] === parts[0][i]) i++;
    common = i;
  }
  const root = parts[0].slice(0, common).join(sep) || sep;
  const rels = files.map((f) => relative(root, resolve(f)));
  const bases = rels.map((rel) =>
    capped(
      safeName(
        rel
          .slice(0, rel.length - extname(rel).length)
          .split(sep)
          .join('__'),
      ),
    ),
  );
  const count = new Map<string, number>();
  for (const b of bases) count.set(key(b), (count.get(key(b)) ?? 0) + 1);
  // Names that collide with no other are taken first, so they never change.
  const taken = new Set(bases.filter((b) => count.get(key(b)) === 1).map(key));
  return bases.map((base, i) => {
    if (count.get(key(base)) === 1) return base;
    const withExt = base + safeName(extname(rels[i]));
    let stem = withExt;
    for (let n = 2; taken.has(key(stem)); n++) stem = `${withExt}_${n}`;
    taken.add(key(stem));
    return stem;
  });
}

/** What a command says about the folders it was given: those passed over, and those without photos. */
export function collectionNotes(c: Pick<CollectedFiles, 'earlierOutputs' | 'emptyFolders'>): string[] {
  const list = (folders: readonly string[]) =>
    folders.slice(0, 3).join(', ') + (folders.length > 3 ? `, … (${folders.length} in all)` : '');
  return [
    ...(c.earlierOutputs.length
      ? [
          `passed over what earlier endoface runs wrote (figures, crops, phantoms), not photos: ${list(c.earlierOutputs)}; name such a folder to read it`,
        ]
      : []),
    ...(c.emptyFolders.length
      ? [`no photos (${IMAGE_EXTENSIONS.join(' ')}) in ${list(c.emptyFolders)}`]
      : []),
  ];
}

/**
 * The note for photos whose bytes are identical under different names (a copy, a link): each is
 * processed, but they are one photo, and a study must not count it twice (undefined: none).
 */
export function sameContentNote(
  files: readonly string[],
  hashes: readonly (string | undefined)[],
): string | undefined {
  const byHash = new Map<string, string[]>();
  hashes.forEach((h, i) => {
    if (h !== undefined) byHash.set(h, [...(byHash.get(h) ?? []), files[i]]);
  });
  const groups = [...byHash.values()].filter((g) => g.length > 1);
  if (groups.length === 0) return undefined;
  const shown = groups
    .slice(0, 3)
    .map((g) => g.join(' = '))
    .join('; ');
  return `the same photo (identical bytes) under several names, each processed: ${shown}${groups.length > 3 ? `; … (${groups.length} groups)` : ''} — count each once in a study`;
}
