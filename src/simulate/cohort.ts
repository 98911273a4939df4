import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { EndofaceError, isEndofaceError } from '../errors.js';
import { analyzeFace } from '../face/index.js';
import { decodeImage } from '../image/index.js';
import { toCsv } from '../io/csv-write.js';
import { SOFTWARE_VERSION } from '../version.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { readSourcePhotos } from './inputs.js';
import { SIGNS, signsOf, type SignName } from './signs.js';
import {
  checkSimulateOptions,
  encodePhantom,
  SIMULATOR_VERSION,
  simulatePhenotype,
  type Phenotype,
  type SimulateOptions,
} from './simulate.js';
import { subjectSeed } from './variation.js';

/** Options of a cohort: those of `simulatePhenotype` that apply to every subject, and the run's own. */
export interface CohortOptions extends Pick<
  SimulateOptions,
  'condition' | 'severity' | 'signs' | 'jitter' | 'signMix'
> {
  /** A folder of photos (searched recursively) or a CSV manifest (`file[,subject_id,sex,age,…]`). */
  input: string;
  /** Output folder: `images/`, `manifest.csv`, `phantoms.json`. */
  outDir: string;
  /** Run seed; each subject's phantom is seeded by this and its subject id. Default 1. */
  seed?: number;
  /** Also write each source photo unmodified (through the same encoder) as a `control` row. Default false. */
  includeControls?: boolean;
  /** Output format. Default `jpeg` (quality 95, 4:4:4). */
  format?: 'jpeg' | 'png';
  onProgress?: (done: number, total: number, file: string) => void;
}

export interface CohortResult {
  total: number;
  phantoms: number;
  controls: number;
  /** Photos not used, with their reason code (image errors, `no_face`, quality reasons). */
  skipped: { file: string; code: string; message: string }[];
  manifestPath: string;
  /** Mean time per phantom (warp + colour + encode), milliseconds. */
  meanSimulateMs: number;
  /** Said when the output folder already held a cohort (see prepareOutputDir). */
  earlierRun?: string;
}

/** The fixed leading columns of `manifest.csv`; covariates, then one column per sign, then `seed`, follow. */
export const MANIFEST_COLUMNS = [
  'file',
  'subject_id',
  'label',
  'condition',
  'severity',
  'source_file',
  'sex',
  'age',
];

const round = (v: number): number => Number(v.toFixed(4));

/**
 * Makes a cohort of phantoms (and, with `includeControls`, matched controls) from real photos and
 * writes `manifest.csv` in the format `endoface train` reads: `file,subject_id,label,…` with paths
 * relative to the manifest. A phantom and its control share the subject id (the same person):
 * a study must split by subject, so that one identity never sits on both sides of a split.
 * Photos that cannot be read, have no face or are rejected by the quality check are skipped and
 * listed with their reason. Controls pass through the same encoder as phantoms, so compression
 * cannot give the label away.
 */
export async function simulateCohort(options: CohortOptions): Promise<CohortResult> {
  checkSimulateOptions(options);
  // Severity 0 without jitter leaves every photo as it is: rows labelled affected would be controls.
  if (options.severity === 0 && !(options.jitter ?? 0))
    throw new EndofaceError(
      'invalid_severity',
      `severity 0 (without jitter) changes no photo, yet its phantoms would be labelled ${options.condition}; give a severity above 0`,
      { parameter: 'severity', value: 0 },
    );
  // Before any phantom is made: an output folder that cannot be written must not waste the work.
  const { earlierRun } = await prepareOutputDir(options.outDir, {
    subfolders: ['images'],
    runFile: 'manifest.csv',
  });
  const photos = await readSourcePhotos(options.input, { exclude: [options.outDir] });
  const format = options.format ?? 'jpeg';
  const ext = format === 'png' ? 'png' : 'jpg';
  const seed = options.seed ?? 1;
  const signCols = signsOf(options.condition);
  const covariateCols = [
    ...new Set(photos.flatMap((p) => Object.keys(p.covariates)).filter((c) => c !== 'sex' && c !== 'age')),
  ];
  const rename = (c: string): string =>
    MANIFEST_COLUMNS.includes(c) || signCols.includes(c as SignName) || c === 'seed' ? `source_${c}` : c;
  const rows: Record<string, unknown>[] = [];
  const details: Record<string, unknown>[] = [];
  const skipped: CohortResult['skipped'] = [];
  let simulateMs = 0;

  for (const [i, photo] of photos.entries()) {
    options.onProgress?.(i, photos.length, photo.file);
    const base = {
      subject_id: photo.subjectId,
      source_file: relative(options.outDir, photo.file),
      sex: photo.covariates.sex ?? '',
      age: photo.covariates.age ?? '',
      ...Object.fromEntries(covariateCols.map((c) => [rename(c), photo.covariates[c] ?? ''])),
    };
    try {
      const image = await decodeImage(photo.file);
      const analysis = await analyzeFace(image);
      if (analysis.quality.status === 'reject') {
        const reasons = analysis.quality.reasons.filter((r) => r.severity === 'reject');
        skipped.push({
          file: photo.file,
          code: reasons.map((r) => r.code).join(' '),
          message: reasons.map((r) => r.message).join('; '),
        });
        continue;
      }
      const phantom: Phenotype = await simulatePhenotype(image, {
        condition: options.condition,
        severity: options.severity,
        signs: options.signs,
        seed: subjectSeed(seed, photo.subjectId),
        jitter: options.jitter,
        signMix: options.signMix,
        analysis,
        encode: format,
      });
      simulateMs += phantom.timings.totalMs - phantom.timings.analyzeMs;
      const file = `images/${photo.stem}_${options.condition}.${ext}`;
      await writeFile(join(options.outDir, file), phantom.encoded!);
      rows.push({
        ...base,
        file,
        label: options.condition,
        condition: options.condition,
        severity: round(phantom.severity),
        ...Object.fromEntries(signCols.map((s) => [s, round(phantom.magnitudes[s])])),
        seed: phantom.seed,
      });
      details.push({
        file,
        source_file: base.source_file,
        subject_id: photo.subjectId,
        ...phantomSummary(phantom),
      });
      if (options.includeControls) {
        const control = `images/${photo.stem}_control.${ext}`;
        await writeFile(join(options.outDir, control), await encodePhantom(image, format));
        rows.push({
          ...base,
          file: control,
          label: 'control',
          condition: '',
          severity: 0,
          ...Object.fromEntries(signCols.map((s) => [s, 0])),
          seed: '',
        });
      }
    } catch (e) {
      if (!isEndofaceError(e)) throw e;
      skipped.push({ file: photo.file, code: e.code, message: e.message });
    }
  }
  options.onProgress?.(photos.length, photos.length, '');

  const columns = [...MANIFEST_COLUMNS, ...covariateCols.map(rename), ...signCols, 'seed'];
  const manifestPath = join(options.outDir, 'manifest.csv');
  await writeFile(manifestPath, toCsv(columns, rows));
  await writeFile(
    join(options.outDir, 'phantoms.json'),
    JSON.stringify(
      {
        disclaimer: 'Simulated phenotypes of real, healthy faces, for validation only; not patient data.',
        parameters: { ...options, onProgress: undefined, seed, format },
        signs: Object.fromEntries(signCols.map((s) => [s, SIGNS[s]])),
        versions: { endoface: SOFTWARE_VERSION, simulator: SIMULATOR_VERSION },
        skipped,
        phantoms: details,
      },
      null,
      2,
    ) + '\n',
  );
  const phantoms = rows.filter((r) => r.label !== 'control').length;
  return {
    total: photos.length,
    phantoms,
    controls: rows.length - phantoms,
    skipped,
    manifestPath,
    meanSimulateMs: phantoms > 0 ? simulateMs / phantoms : 0,
    ...(earlierRun ? { earlierRun } : {}),
  };
}

/** The JSON-safe record of one phantom: what changed where, and how the warp went. */
function phantomSummary(p: Phenotype): Record<string, unknown> {
  return {
    severity: p.severity,
    magnitudes: p.magnitudes,
    warpScale: p.warpScale,
    areaRatio: p.areaRatio,
    warnings: p.warnings,
    changes: p.changes,
    seed: p.seed,
  };
}
