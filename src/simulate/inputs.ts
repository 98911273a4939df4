import { stat, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EndofaceError } from '../errors.js';
import { parseCsv } from '../io/csv-read.js';
import { collectImageFiles, uniqueStems } from '../io/files.js';

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

export type SimulateInputErrorCode = 'file_not_found' | 'invalid_manifest' | 'empty_dataset';

/**
 * The photos to phantomise: every image under a folder (recursively; each photo its own subject,
 * named by its path) or the rows of a CSV manifest (`file` required, relative to the manifest's
 * folder; `subject_id` optional, defaulting to the file's name; every other column is carried over).
 */
export async function readSourcePhotos(
  input: string,
  options: { exclude?: readonly string[] } = {},
): Promise<SourcePhoto[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new EndofaceError('file_not_found', `no such file or folder: ${input}`, { file: input });
  let photos: Omit<SourcePhoto, 'stem'>[];
  if (info.isDirectory()) {
    // The output folder is never searched: a second run would make phantoms of phantoms.
    const { files } = await collectImageFiles([input], { exclude: options.exclude });
    const stems = uniqueStems(files);
    photos = files.map((file, i) => ({ file, subjectId: stems[i], covariates: {} }));
  } else {
    const table = parseCsv(await readFile(input, 'utf8'), input);
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
