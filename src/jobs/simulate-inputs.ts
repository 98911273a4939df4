import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { EndofaceError, isEndofaceError } from '../core/index.js';
import { isManifest, resolvePhotoInputs } from '../data/index.js';
import { sniffFormat } from '../image/index.js';
import { IMAGE_EXTENSIONS, isWithin, uniqueStems } from '../io/index.js';

/** One source photo of a cohort to phantomise. */
export interface SourcePhoto {
  /** Absolute path. */
  file: string;
  /** Identity the photo belongs to; every photo of one subject gets the same phantom parameters. */
  subjectId: string;
  /** Short unique name for output files. */
  stem: string;
  /** Other columns of the input manifest (sex, age, …), as text. */
  covariates: Record<string, string>;
}

/**
 * The photos to phantomise: every image under a folder (recursively; each photo its own subject,
 * named by its path) or the rows of a CSV manifest (`file` required, relative to the manifest's
 * folder; `subject_id` optional, defaulting to the `file` field; every other column is carried over),
 * through the one input resolver. A single photo is refused with `invalid_manifest` (the input must
 * be a folder or a manifest); a manifest row whose photo is missing is said in a note and skipped.
 */
export async function readSourcePhotos(
  input: string,
  options: { exclude?: readonly string[]; onNote?: (message: string) => void } = {},
): Promise<SourcePhoto[]> {
  const info = await stat(input).catch(() => undefined);
  if (info?.isFile() && !isManifest(input))
    throw new EndofaceError(
      'invalid_manifest',
      `${input} is ${describeFile(input, await readFile(input))}, not a CSV manifest: the input must be a folder of photos or a CSV manifest (file[,subject_id,sex,age,…]); to phantomise one photo, put it in a folder of its own or list it in a CSV`,
      { file: input },
    );
  // The output folder is never searched: a second run would make phantoms of phantoms.
  const resolved = await resolvePhotoInputs([input], { exclude: options.exclude }).catch((e: unknown) => {
    // A manifest that is a photo or binary file: say what the input must be.
    if (isEndofaceError(e) && e.code === 'invalid_manifest' && / is (an image|a binary file)/.test(e.message))
      throw new EndofaceError(
        e.code,
        `${e.message}: the input must be a folder of photos or a CSV manifest (file[,subject_id,sex,age,…])`,
        e.details,
      );
    throw e;
  });
  // What the search passed over (an earlier run's images, a folder it could not read) is said.
  for (const note of resolved.notes) options.onNote?.(note);
  for (const p of resolved.photos.filter((p) => p.problem))
    options.onNote?.(`${p.problem!.code}: ${p.problem!.message}`);
  const photos = resolved.photos.filter((p) => !p.problem);
  if (photos.length === 0)
    throw new EndofaceError('empty_dataset', `${input}: no photos found`, { file: input });
  const stems = uniqueStems(photos.map((p) => p.file));
  return photos.map((p, i) => ({
    file: p.file,
    // A folder's photo is its own subject, named by its path; a manifest row without one, by its file.
    subjectId: p.subjectId ?? p.written ?? stems[i],
    stem: stems[i],
    covariates: p.covariates,
  }));
}

/** What a file given as a manifest is: an image (by content or ending) or some other file. */
function describeFile(path: string, bytes: Buffer): string {
  const format = sniffFormat(bytes);
  if (format !== 'unknown' && format !== 'other-image') return `an image (${format})`;
  if (format === 'other-image' || IMAGE_EXTENSIONS.includes(extname(path).toLowerCase()))
    return `an image (${extname(path) || 'by its content'})`;
  return 'not a CSV file';
}

/**
 * Refuses (`input_in_output_folder`) a run that would write over one of its own inputs: the input
 * manifest is (or, through links, resolves to) `<outDir>/manifest.csv` or `<outDir>/phantoms.json`,
 * or an input photo lies in `<outDir>/images/` (where phantoms are written, and from where an earlier
 * run's are moved aside). Called before anything is written. An output folder that does not exist
 * yet holds no input.
 */
export async function refuseInputsInOutput(
  input: string,
  photos: readonly Pick<SourcePhoto, 'file'>[],
  outDir: string,
): Promise<void> {
  const out = await realpath(outDir).catch(() => undefined);
  if (!out) return;
  const written = ['manifest.csv', 'phantoms.json'].map((f) => join(out, f));
  const real = (p: string): Promise<string> => realpath(p).catch(() => resolve(p));
  const images = await real(join(out, 'images'));
  const refuse = (file: string, where: string, hint: string): never => {
    throw new EndofaceError(
      'input_in_output_folder',
      `${file} is an input of this run, but ${where}: the run would write over it; ${hint}`,
      { file, parameter: 'outDir', value: outDir },
    );
  };
  const runFile = (file: string, real: string): string =>
    `it is${real === resolve(file) ? '' : ' (through a link)'} ${join(outDir, relative(out, real))}, which this run writes`;
  const info = await stat(input).catch(() => undefined);
  if (info?.isFile()) {
    const manifest = await real(input);
    if (written.includes(manifest))
      refuse(
        input,
        runFile(input, manifest),
        'write the output elsewhere (another `outDir`), or rename the manifest',
      );
  }
  for (const photo of photos) {
    const file = await real(photo.file);
    if (written.includes(file))
      refuse(photo.file, runFile(photo.file, file), 'write the output elsewhere (another `outDir`)');
    if (isWithin(file, images))
      refuse(
        photo.file,
        `it lies in ${join(outDir, 'images')}, where this run writes its phantoms`,
        'write the output elsewhere (another `outDir`), or move the photos out of that folder',
      );
  }
}
