import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { EndofaceError } from '../core/errors.js';
import { sniffFormat } from '../image/sniff.js';
import { parseCsv } from '../io/csv-read.js';
import { collectImageFiles, collectionNotes, IMAGE_EXTENSIONS, isWithin, uniqueStems } from '../io/files.js';

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

export type SimulateInputErrorCode =
  'file_not_found' | 'invalid_manifest' | 'empty_dataset' | 'input_in_output_folder';

/**
 * The photos to phantomise: every image under a folder (recursively; each photo its own subject,
 * named by its path) or the rows of a CSV manifest (`file` required, relative to the manifest's
 * folder; `subject_id` optional, defaulting to the file's name; every other column is carried over).
 * A single photo (or any other file that is not a text CSV) is refused with `invalid_manifest` before
 * it is parsed.
 */
export async function readSourcePhotos(
  input: string,
  options: { exclude?: readonly string[]; onNote?: (message: string) => void } = {},
): Promise<SourcePhoto[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new EndofaceError('file_not_found', `no such file or folder: ${input}`, { file: input });
  let photos: Omit<SourcePhoto, 'stem'>[];
  if (info.isDirectory()) {
    // The output folder is never searched: a second run would make phantoms of phantoms.
    const collected = await collectImageFiles([input], { exclude: options.exclude });
    const { files } = collected;
    // What the walk passed over (an earlier run's images, a folder it could not read) is said.
    for (const note of collectionNotes(collected)) options.onNote?.(note);
    for (const m of collected.missing) options.onNote?.(`${m.reason}: ${m.message}`);
    const stems = uniqueStems(files);
    photos = files.map((file, i) => ({ file, subjectId: stems[i], covariates: {} }));
  } else {
    const bytes = await readFile(input);
    refuseNonCsv(input, bytes);
    const table = parseCsv(bytes.toString('utf8'), input);
    const fileCol = table.header.indexOf('file');
    if (fileCol < 0) {
      throw new EndofaceError(
        'invalid_manifest',
        `${input}: no "file" column (found: ${table.header.join(', ')}); give a folder or a CSV with file[,subject_id,sex,age,…]`,
        { file: input, header: table.header },
      );
    }
    const subjectCol = table.header.indexOf('subject_id');
    const root = dirname(resolve(input));
    photos = table.rows.map((row) => ({
      file: resolve(root, row[fileCol]),
      subjectId: subjectCol >= 0 && row[subjectCol] ? row[subjectCol] : row[fileCol],
      covariates: Object.fromEntries(
        table.header.map((h, k) => [h, row[k]] as const).filter(([h]) => h !== 'file' && h !== 'subject_id'),
      ),
    }));
    refuseRepeatedFiles(input, photos, table.lines);
  }
  if (photos.length === 0) {
    throw new EndofaceError('empty_dataset', `${input}: no photos found`, { file: input });
  }
  const stems = uniqueStems(photos.map((p) => p.file));
  return photos.map((p, i) => ({ ...p, stem: stems[i] }));
}

/**
 * A photo listed twice would give two phantoms of one face, and under two subject ids one identity
 * on both sides of a split: refused, naming every repeat's lines.
 */
function refuseRepeatedFiles(
  input: string,
  photos: readonly { file: string; subjectId: string }[],
  lines: readonly number[],
): void {
  const first = new Map<string, number>();
  const repeats: string[] = [];
  photos.forEach((p, k) => {
    const earlier = first.get(p.file);
    if (earlier === undefined) first.set(p.file, k);
    else
      repeats.push(
        `line ${lines[k]} repeats line ${lines[earlier]} (${p.file}${p.subjectId !== photos[earlier].subjectId ? `, subject ${photos[earlier].subjectId} and ${p.subjectId}` : ''})`,
      );
  });
  if (repeats.length > 0)
    throw new EndofaceError(
      'invalid_manifest',
      `${input}: a photo is listed more than once: ${repeats.slice(0, 3).join('; ')}${repeats.length > 3 ? ` (and ${repeats.length - 3} more)` : ''}`,
      { file: input, problems: repeats },
    );
}

/**
 * The input is a folder or a CSV manifest: a photo (by its content or its ending) or any other
 * binary file would otherwise be parsed as CSV and fail on some line with a baffling message.
 */
function refuseNonCsv(input: string, bytes: Buffer): void {
  const format = sniffFormat(bytes);
  const ext = extname(input).toLowerCase();
  // A weak signature ("BM" of BMP) is a CSV header's start ("BMI,file,…") when the file says .csv.
  const sniffed = format !== 'unknown' && !(format === 'other-image' && ext === '.csv');
  const isImage = sniffed || IMAGE_EXTENSIONS.includes(ext);
  if (!isImage && !bytes.subarray(0, 4096).includes(0)) return;
  const what = isImage
    ? `an image (${format === 'unknown' || format === 'other-image' ? extname(input) || 'by its content' : format}), not a CSV manifest`
    : 'a binary file, not a CSV manifest';
  throw new EndofaceError(
    'invalid_manifest',
    `${input} is ${what}: the input must be a folder of photos or a CSV manifest (file[,subject_id,sex,age,…]); to phantomise one photo, put it in a folder of its own or list it in a CSV`,
    { file: input, ...(isImage ? { format } : {}) },
  );
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
      { file, parameter: 'out', value: outDir },
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
        'write the output elsewhere (another --out), or rename the manifest',
      );
  }
  for (const photo of photos) {
    const file = await real(photo.file);
    if (written.includes(file))
      refuse(photo.file, runFile(photo.file, file), 'write the output elsewhere (another --out)');
    if (isWithin(file, images))
      refuse(
        photo.file,
        `it lies in ${join(outDir, 'images')}, where this run writes its phantoms`,
        'write the output elsewhere (another --out), or move the photos out of that folder',
      );
  }
}
