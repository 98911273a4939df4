import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import { collectImageFiles, OUTPUT_MARKER } from '../io/index.js';
import { manifestError, readManifest } from './manifest.js';

/** One photo of a study cohort. */
export interface DatasetItem {
  /** Absolute path of the photo. */
  file: string;
  subjectId: string;
  label: string;
  /** Every other manifest column (sex, age, site, date, …), as text. */
  covariates: Record<string, string>;
  /** Where it came from: the manifest line, or the folder. */
  origin: string;
  /** The manifest line (folder datasets: none). */
  line?: number;
}

export type DatasetWarningCode = ReasonSubset<'no_subject_id' | 'label_mismatch_subject'>;

export interface Dataset {
  source: string;
  kind: 'folder' | 'manifest';
  items: DatasetItem[];
  labels: string[];
  /** Covariate column names (manifest only). */
  covariates: string[];
  warnings: { code: DatasetWarningCode; message: string }[];
  /** Manifest rows whose file does not exist, with `missingFiles: 'skip'` (otherwise an error). */
  missing: DatasetItem[];
}

export interface LoadDatasetOptions {
  allowedLabels?: readonly string[];
  /** `false` (prediction): the label column may be absent. */
  requireLabel?: boolean;
  /**
   * A manifest row whose file does not exist: an error (`manifest_file_missing`, training: the
   * cohort must be complete) or, with `skip` (prediction), left out of `items` and listed in `missing`.
   */
  missingFiles?: 'error' | 'skip';
}

export type DatasetErrorCode = ReasonSubset<
  | 'file_not_found'
  | 'invalid_manifest'
  | 'manifest_file_missing'
  | 'manifest_duplicate_row'
  | 'manifest_unknown_label'
  | 'empty_dataset'
>;

async function loadManifest(path: string, options: LoadDatasetOptions): Promise<Dataset> {
  const manifest = await readManifest(path, {
    requireLabel: options.requireLabel,
    allowedLabels: options.allowedLabels,
    missingFiles: options.missingFiles === 'skip' ? 'list' : 'error',
  });
  const root = dirname(resolve(path));
  const all: DatasetItem[] = manifest.rows.map((r) => ({
    file: r.file,
    subjectId: r.subjectId,
    label: r.label,
    covariates: r.covariates,
    origin: r.origin,
    line: r.line,
  }));
  const warnings: Dataset['warnings'] = [];
  const noSubject = all.filter((it) => !it.subjectId);
  if (noSubject.length > 0) {
    warnings.push({
      code: 'no_subject_id',
      message: `${noSubject.length} photo(s) have no subject_id: each is treated as its own subject, so two photos of one person could land on both sides of a split`,
    });
    for (const it of noSubject) it.subjectId = `photo:${relative(root, it.file)}`;
  }
  const items = all.filter((_, i) => !manifest.rows[i].problem);
  const skipped = all.filter((_, i) => manifest.rows[i].problem);
  return finish(path, 'manifest', items, manifest.covariates, warnings, skipped);
}

async function loadFolder(path: string, allowedLabels?: readonly string[]): Promise<Dataset> {
  const entries = (await readdir(path, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && !e.name.startsWith('.'),
  );
  if (entries.length === 0) {
    throw new EndofaceError(
      'invalid_manifest',
      `${path} has no class folders: expected ${path}/<label>/*.jpg`,
      { file: path },
    );
  }
  const items: DatasetItem[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (allowedLabels && !allowedLabels.includes(e.name)) continue;
    const collected = await collectImageFiles([join(path, e.name)]);
    // A class folder must give all its photos: a folder that cannot be read, or an earlier run's
    // output in it (simulate's images/: its manifest.csv is the way to train on phantoms), is refused
    // rather than silently shrinking the class.
    const unusable = [
      ...collected.missing.map((m) => `class folder ${e.name}: ${m.message}`),
      ...collected.earlierOutputs.map(
        (d) =>
          `class folder ${e.name}: ${d} holds an earlier endoface run's output (${OUTPUT_MARKER}), not taken as photos; give that run's manifest.csv, or move the photos out`,
      ),
    ];
    if (unusable.length) manifestError('invalid_manifest', unusable, { file: path });
    const { files } = collected;
    for (const file of files) {
      items.push({
        file,
        subjectId: `photo:${relative(path, file)}`,
        label: e.name,
        covariates: {},
        origin: `folder ${e.name}`,
      });
    }
  }
  const warnings: Dataset['warnings'] = [
    {
      code: 'no_subject_id',
      message:
        'a folder dataset has no subject ids: each photo is treated as its own subject. Use a CSV manifest with subject_id when a person has several photos',
    },
  ];
  return finish(path, 'folder', items, [], warnings);
}

function finish(
  source: string,
  kind: Dataset['kind'],
  items: DatasetItem[],
  covariates: string[],
  warnings: Dataset['warnings'],
  missing: DatasetItem[] = [],
): Dataset {
  // Skipped rows are still photos to report (file_not_found), so a manifest of only those is not empty.
  if (items.length === 0 && missing.length === 0)
    throw new EndofaceError('empty_dataset', `${source} lists no photos`, { file: source });
  // A subject with photos under two labels is usually a data error (or a follow-up study): say so.
  const bySubject = new Map<string, Set<string>>();
  for (const it of items)
    (bySubject.get(it.subjectId) ?? bySubject.set(it.subjectId, new Set()).get(it.subjectId)!).add(it.label);
  const mixed = [...bySubject.entries()].filter(([, labels]) => labels.size > 1);
  if (mixed.length > 0) {
    warnings.push({
      code: 'label_mismatch_subject',
      message: `${mixed.length} subject(s) have photos under more than one label (e.g. ${mixed[0][0]}: ${[...mixed[0][1]].join(', ')}); they are kept on one side of every split`,
    });
  }
  return {
    source,
    kind,
    items,
    labels: [...new Set(items.map((i) => i.label))].sort(),
    covariates,
    warnings,
    missing,
  };
}

/**
 * Loads a cohort from a folder per class (`root/<label>/*.jpg`) or a CSV manifest
 * (`file,subject_id,label[,sex,age,site,date,…]`, paths relative to the manifest). Every problem in a
 * manifest is reported at once, each naming its line: missing files, empty fields, duplicate rows,
 * labels outside `allowedLabels`. Prediction passes `requireLabel: false` (the label column may be
 * absent) and `missingFiles: 'skip'` (a missing photo is one failed photo, not a failed run).
 */
export async function loadDataset(source: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  if (!existsSync(source))
    throw new EndofaceError('file_not_found', `no such file or folder: ${source}`, { file: source });
  if (statSync(source).isDirectory()) return loadFolder(source, options.allowedLabels);
  if (extname(source).toLowerCase() !== '.csv') {
    throw new EndofaceError('invalid_manifest', `${source}: a dataset is a folder or a .csv manifest`, {
      file: source,
    });
  }
  return loadManifest(source, options);
}
