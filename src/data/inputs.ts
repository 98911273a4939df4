/**
 * From what a user names (photos, folders, CSV manifests) to the list of photos a job works on: the
 * one resolver behind screen, predict, explain, detect and simulate, so that ordering, duplicates
 * and missing files follow one set of rules everywhere:
 *
 * - **order**: the inputs' order; a manifest's rows in its order; a folder's photos by name
 *   (recursively, following links);
 * - **duplicates**: a photo met twice (a folder and a file in it, two links) is taken once, where
 *   first met; a manifest that lists a photo twice is refused (`manifest_duplicate_row`);
 * - **missing**: a path named that does not exist is an error before any work (`file_not_found`,
 *   naming every such path: a typo, not data); an unreadable folder met in a search, or a manifest
 *   row whose photo is absent, stays in the list, in place, with its `problem` — a job reports it
 *   as not processed, never drops it;
 * - **passed over**: an earlier run's figure folders below a named folder, and named folders
 *   without photos, are said in `notes`.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { EndofaceError } from '../core/index.js';
import { collectImageFiles, collectionNotes, type ReadErrorCode } from '../io/index.js';
import { readManifest } from './manifest.js';

/** One photo to work on, with what its manifest row says of it. */
export interface PhotoInput {
  /** Absolute path. */
  file: string;
  /** The manifest's `file` field as written (absent: not from a manifest). */
  written?: string;
  /** The manifest's subject_id (absent: not given). */
  subjectId?: string;
  /** The manifest's label (absent: not given). */
  label?: string;
  /** Every other manifest column (sex, age, …), as text; `{}` for a photo named or found in a folder. */
  covariates: Record<string, string>;
  /** `manifest.csv line 7`, `folder photos/`, or `named`. */
  origin: string;
  /** Why this input gives no photo to read (absent, a folder that cannot be read): listed, not read. */
  problem?: { code: ReadErrorCode; message: string };
}

export interface ResolvedInputs {
  /** Every photo and every problem, in the order of the inputs. */
  photos: PhotoInput[];
  /** What the search passed over (an earlier run's figures, folders without photos). */
  notes: string[];
}

export interface ResolveOptions {
  /** Folders never searched: where the job writes its figures (see collectImageFiles). */
  exclude?: readonly string[];
}

/** Whether an input names a manifest (by its ending: a photo's content is never parsed as CSV). */
export const isManifest = (input: string): boolean => extname(input).toLowerCase() === '.csv';

/**
 * Resolves photos, folders and manifests into one ordered list (the rules above).
 *
 * @throws `file_not_found` for named paths that do not exist; the manifest's errors (`invalid_manifest`, `manifest_duplicate_row`, …);
 *   `input_in_output_folder` when a named folder is one the job writes into
 */
export async function resolvePhotoInputs(
  inputs: readonly string[],
  options: ResolveOptions = {},
): Promise<ResolvedInputs> {
  const absent = inputs.filter((input) => !existsSync(input));
  if (absent.length > 0)
    throw new EndofaceError(
      'file_not_found',
      `no such file or folder: ${absent.slice(0, 5).join(', ')}${absent.length > 5 ? ` (and ${absent.length - 5} more)` : ''}`,
      { files: absent },
    );
  const plain = inputs.map((input, i) => ({ input, i })).filter(({ input }) => !isManifest(input));
  const collected = await collectImageFiles(
    plain.map((p) => p.input),
    { exclude: options.exclude },
  );
  const byInput = new Map<number, PhotoInput[]>();
  const add = (input: number, photo: PhotoInput): void => {
    byInput.set(input, [...(byInput.get(input) ?? []), photo]);
  };
  collected.files.forEach((file, k) => {
    const input = plain[collected.fileInputs[k]];
    add(input.i, { file, covariates: {}, origin: file === input.input ? 'named' : `folder ${input.input}` });
  });
  for (const m of collected.missing)
    add(plain[m.input].i, {
      file: m.path,
      covariates: {},
      origin: m.path === plain[m.input].input ? 'named' : `folder ${plain[m.input].input}`,
      problem: { code: m.reason, message: m.message },
    });
  const photos: PhotoInput[] = [];
  const seen = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    const found = isManifest(input) ? await manifestPhotos(input) : (byInput.get(i) ?? []);
    for (const photo of found) {
      // A photo in a manifest and in a folder (or in two manifests) is taken once, where first met.
      if (!photo.problem && seen.has(photo.file)) continue;
      seen.add(photo.file);
      photos.push(photo);
    }
  }
  return { photos, notes: collectionNotes(collected) };
}

async function manifestPhotos(path: string): Promise<PhotoInput[]> {
  const manifest = await readManifest(path, { requireLabel: false, missingFiles: 'list' });
  return manifest.rows.map((r) => ({
    file: r.file,
    written: r.written,
    ...(r.subjectId ? { subjectId: r.subjectId } : {}),
    ...(r.label ? { label: r.label } : {}),
    covariates: r.covariates,
    origin: r.origin,
    ...(r.problem ? { problem: r.problem } : {}),
  }));
}

/** The photos that can be read (no `problem`), with their index in the list. */
export function readablePhotos(photos: readonly PhotoInput[]): { photo: PhotoInput; index: number }[] {
  return photos.flatMap((photo, index) => (photo.problem ? [] : [{ photo, index }]));
}
