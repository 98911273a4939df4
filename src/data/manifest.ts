/**
 * Reading a CSV manifest (`file[,subject_id,label,sex,age,…]`, paths relative to the manifest): the
 * one reader behind every command that takes one — training cohorts, photos to score or explain,
 * photos to phantomise. Every problem is reported at once, each naming its line.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import { sniffFormat } from '../image/index.js';
import { parseCsv } from '../io/index.js';

/** One row of a manifest, as written (no subject id or label filled in). */
export interface ManifestRow {
  /** Absolute path of the photo. */
  file: string;
  /** The `file` field as written (relative to the manifest). */
  written: string;
  /** '' when the column is absent or the field empty. */
  subjectId: string;
  /** '' when the column is absent or the field empty. */
  label: string;
  /** Every other column (sex, age, site, date, …), as text. */
  covariates: Record<string, string>;
  /** `manifest.csv line 7`. */
  origin: string;
  line: number;
  /** Why the row's photo cannot be read: absent, or a folder. */
  problem?: { code: 'file_not_found'; message: string };
}

export interface Manifest {
  path: string;
  /** Covariate column names, in the file's order. */
  covariates: string[];
  rows: ManifestRow[];
}

export interface ReadManifestOptions {
  /** The label column must exist and no label be empty (training). Default true. */
  requireLabel?: boolean;
  allowedLabels?: readonly string[];
  /**
   * A row whose photo does not exist: an error (`manifest_file_missing`; a training cohort must be
   * complete) or, with `list`, a row carrying its `problem` (one photo not scored, not a failed run).
   */
  missingFiles?: 'error' | 'list';
}

export type ManifestErrorCode = ReasonSubset<
  'invalid_manifest' | 'manifest_file_missing' | 'manifest_duplicate_row' | 'manifest_unknown_label'
>;

/** Problems a manifest error names one by one; the rest are counted (all are in `details.problems`). */
const LISTED_PROBLEMS = 20;

/** Problems found in a manifest, all of them, so the user can fix the file in one go. */
export function manifestError(
  code: ManifestErrorCode | 'empty_dataset',
  problems: string[],
  details: Record<string, unknown>,
): never {
  const rest = problems.slice(1);
  const listed = rest.slice(0, LISTED_PROBLEMS).map((p) => `\n  - ${p}`);
  const unlisted = rest.length - listed.length;
  const more = rest.length
    ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''}:${listed.join('')}${unlisted ? `\n  - … ${unlisted} more` : ''})`
    : '';
  throw new EndofaceError(code, `${problems[0]}${more}`, { ...details, problems });
}

/**
 * A photo or any other binary file given as a manifest would be parsed as CSV and fail on some line
 * with a baffling message: refused as what it is.
 */
function refuseNonCsv(path: string, bytes: Buffer): void {
  const format = sniffFormat(bytes);
  // A weak signature ("BM" of BMP) is a CSV header's start ("BMI,file,…") when the file says .csv.
  const isImage =
    format !== 'unknown' && !(format === 'other-image' && extname(path).toLowerCase() === '.csv');
  if (!isImage && !bytes.subarray(0, 4096).includes(0)) return;
  const what = isImage
    ? `an image (${format === 'other-image' ? extname(path) || 'by its content' : format}), not a CSV manifest`
    : 'a binary file, not a CSV manifest';
  throw new EndofaceError('invalid_manifest', `${path} is ${what}`, {
    file: path,
    ...(isImage ? { format } : {}),
  });
}

/**
 * Reads a manifest. Refused with every problem at once: a missing `file` (or, with `requireLabel`,
 * `label`) column, empty fields, photos listed twice, labels outside `allowedLabels`, missing photos
 * (unless `missingFiles: 'list'`), and a file that is not text.
 */
export async function readManifest(path: string, options: ReadManifestOptions = {}): Promise<Manifest> {
  const { allowedLabels, requireLabel = true, missingFiles = 'error' } = options;
  const bytes = await readFile(path);
  refuseNonCsv(path, bytes);
  const table = parseCsv(bytes.toString('utf8'), path);
  const col = (name: string): number => table.header.indexOf(name);
  const required = requireLabel ? ['file', 'label'] : ['file'];
  const missingCols = required.filter((c) => col(c) < 0);
  if (missingCols.length > 0)
    manifestError(
      'invalid_manifest',
      [
        `${path}: missing column${missingCols.length > 1 ? 's' : ''} ${missingCols.join(', ')} (found: ${table.header.join(', ')})`,
      ],
      { file: path, header: table.header },
    );
  const root = dirname(resolve(path));
  const covariates = table.header.filter((h) => !['file', 'label', 'subject_id'].includes(h));
  const field = (row: string[], name: string): string => (col(name) >= 0 ? row[col(name)] : '');
  const rows: ManifestRow[] = [];
  const problems: Record<ManifestErrorCode, string[]> = {
    invalid_manifest: [],
    manifest_file_missing: [],
    manifest_duplicate_row: [],
    manifest_unknown_label: [],
  };
  const seen = new Map<string, number>();
  table.rows.forEach((row, k) => {
    const line = table.lines[k];
    const written = field(row, 'file');
    const label = field(row, 'label');
    const origin = `${basename(path)} line ${line}`;
    if (!written || (requireLabel && !label)) {
      problems.invalid_manifest.push(`${origin}: empty ${!written ? 'file' : 'label'}`);
      return;
    }
    const file = resolve(root, written);
    const first = seen.get(file);
    if (first !== undefined)
      problems.manifest_duplicate_row.push(`${origin}: ${written} is listed again (first on line ${first})`);
    seen.set(file, line);
    if (allowedLabels && !allowedLabels.includes(label))
      problems.manifest_unknown_label.push(
        `${origin}: label "${label}" is not one of ${allowedLabels.join(', ')}`,
      );
    const exists = existsSync(file);
    const isFile = exists && statSync(file).isFile();
    const problem = isFile
      ? undefined
      : {
          code: 'file_not_found' as const,
          message: exists ? `${file} is a folder, not a photo` : `no such file: ${file}`,
        };
    if (problem && missingFiles === 'error')
      problems.manifest_file_missing.push(
        `${origin}: ${exists ? `${written} is a folder, not a photo` : `file ${written} does not exist`}`,
      );
    rows.push({
      file,
      written,
      subjectId: field(row, 'subject_id'),
      label,
      covariates: Object.fromEntries(covariates.map((c) => [c, row[col(c)]])),
      origin,
      line,
      ...(problem ? { problem } : {}),
    });
  });
  // Every problem of every kind at once (the code is the first kind's), so the file is fixed in one go.
  const kinds = Object.entries(problems) as [ManifestErrorCode, string[]][];
  const firstKind = kinds.find(([, list]) => list.length > 0);
  if (firstKind)
    manifestError(
      firstKind[0],
      kinds.flatMap(([, list]) => list),
      { file: path },
    );
  return { path, covariates, rows };
}
