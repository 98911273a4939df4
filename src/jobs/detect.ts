import { join } from 'node:path';
import { EndofaceError } from '../core/errors.js';
import { analyzeFaceBatch, type BatchOutcome, type FaceConfig } from '../face/index.js';
import { collectImageFiles, collectionNotes, uniqueStems, type CollectedFiles } from '../io/files.js';
import { toCsv } from '../io/csv-write.js';
import { prepareOutputDir, writeChecked } from '../io/output-dir.js';
import type { DeepPartial } from '../util/merge.js';
import {
  DETECT_SUMMARY_COLUMNS,
  detectSummaryRow,
  faceAnalysisJson,
  writeAlignedCrop,
  writeJson,
} from '../report/face-outputs.js';

/** What a run writes beside summary.csv: never read back as photos by the next run. */
const OUTPUT_SUBFOLDERS = ['crops', 'faces'];

export interface DetectRunOptions {
  inputs: readonly string[];
  /** Output folder; nothing is written when absent. */
  outDir?: string;
  workers?: number;
  config?: DeepPartial<FaceConfig>;
  onProgress?: (done: number, total: number, outcome: BatchOutcome) => void;
}

export interface DetectRunResult {
  total: number;
  /** `error` counts the inputs not found as well (`notFound` of them): the counts add up to `total`. */
  counts: { pass: number; warn: number; reject: number; error: number };
  notFound: number;
  /** Files that could not be read at all or gave no usable result, with their reasons. */
  problems: { file: string; code: string; message: string }[];
  outcomes: BatchOutcome[];
  summaryPath?: string;
  /** A note when `outDir` held an earlier run's summary.csv (see prepareOutputDir). */
  earlierRun?: string;
  /** What was passed over in the inputs (an earlier run's figures, folders without photos). */
  notes: string[];
}

/** Missing inputs as outcomes (after the photos), so that the counts and summary.csv list every input. */
function missingOutcomes(missing: CollectedFiles['missing'], first: number): BatchOutcome[] {
  return missing.map((m, k) => ({
    index: first + k,
    file: m.path,
    ok: false,
    error: { code: m.reason, message: m.message },
  }));
}

/**
 * `endoface detect` as a function: analyses every photo under the inputs and, with `outDir`, writes
 * `crops/<name>.png` (aligned face), `faces/<name>.json` (box, mesh, pose, quality) per photo as soon as
 * it is done, and `summary.csv` at the end, one row per input. Bad files are recorded with their
 * reason code and skipped.
 *
 * @throws `empty_dataset` when the inputs hold no photo; `output_not_writable` (before any work)
 */
export async function runDetect(options: DetectRunOptions): Promise<DetectRunResult> {
  // An earlier run's crops in the inputs (output folder inside the input folder) are not photos.
  const written = options.outDir ? OUTPUT_SUBFOLDERS.map((f) => join(options.outDir!, f)) : [];
  const collected = await collectImageFiles(options.inputs, { exclude: written });
  const { files, missing } = collected;
  if (files.length === 0 && missing.length === 0)
    throw new EndofaceError(
      'empty_dataset',
      // Why, when the search passed something over (an earlier run's crops or phantoms).
      [`no photos found in ${options.inputs.join(', ')}`, ...collectionNotes(collected)].join('; '),
      { inputs: options.inputs },
    );
  const { earlierRun } = options.outDir
    ? await prepareOutputDir(options.outDir, { subfolders: OUTPUT_SUBFOLDERS, runFile: 'summary.csv' })
    : {};
  const stems = uniqueStems(files);
  const outcomes: BatchOutcome[] = [];
  const counts = { pass: 0, warn: 0, reject: 0, error: 0 };
  const problems: DetectRunResult['problems'] = [];
  const record = (o: BatchOutcome): void => {
    outcomes.push(o);
    if (!o.ok) {
      counts.error++;
      problems.push({ file: o.file, code: o.error.code, message: o.error.message });
      return;
    }
    counts[o.analysis.quality.status]++;
    if (o.analysis.quality.status === 'reject') {
      const codes = o.analysis.quality.reasons.filter((r) => r.severity === 'reject').map((r) => r.code);
      problems.push({ file: o.file, code: codes.join(' '), message: 'rejected by the quality check' });
    }
  };

  for await (const o of analyzeFaceBatch(files, { workers: options.workers, config: options.config })) {
    record(o);
    if (o.ok && options.outDir) {
      const stem = stems[o.index];
      await writeAlignedCrop(join(options.outDir, 'crops', `${stem}.png`), o.analysis);
      await writeJson(join(options.outDir, 'faces', `${stem}.json`), faceAnalysisJson(o.analysis));
    }
    options.onProgress?.(outcomes.length, files.length, o);
  }
  for (const o of missingOutcomes(missing, files.length)) record(o);
  outcomes.sort((a, b) => a.index - b.index);
  let summaryPath: string | undefined;
  if (options.outDir) {
    summaryPath = join(options.outDir, 'summary.csv');
    await writeChecked(summaryPath, toCsv(DETECT_SUMMARY_COLUMNS, outcomes.map(detectSummaryRow)));
  }
  return {
    total: files.length + missing.length,
    counts,
    notFound: missing.length,
    problems,
    outcomes,
    summaryPath,
    ...(earlierRun ? { earlierRun } : {}),
    notes: collectionNotes(collected),
  };
}
