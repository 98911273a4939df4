import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeFaceBatch, type BatchOutcome, type FaceConfig } from '../face/index.js';
import { collectImageFiles, uniqueStems } from '../io/files.js';
import { toCsv } from '../io/csv-write.js';
import type { DeepPartial } from '../util/merge.js';
import {
  DETECT_SUMMARY_COLUMNS,
  detectSummaryRow,
  faceAnalysisJson,
  writeAlignedCrop,
  writeJson,
} from './face-outputs.js';

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
  counts: { pass: number; warn: number; reject: number; error: number };
  /** Files that could not be read at all or gave no usable result, with their reasons. */
  problems: { file: string; code: string; message: string }[];
  outcomes: BatchOutcome[];
  summaryPath?: string;
}

/**
 * `endoface detect` as a function: analyses every photo under the inputs and, with `outDir`, writes
 * `crops/<name>.png` (aligned face), `faces/<name>.json` (box, mesh, pose, quality) per photo as soon as
 * it is done, and `summary.csv` at the end. Bad files are recorded with their reason code and skipped.
 */
export async function runDetect(options: DetectRunOptions): Promise<DetectRunResult> {
  const { files, missing } = await collectImageFiles(options.inputs);
  const stems = uniqueStems(files);
  const outcomes: BatchOutcome[] = [];
  const counts = { pass: 0, warn: 0, reject: 0, error: 0 };
  const problems: DetectRunResult['problems'] = missing.map((m) => ({
    file: m.path,
    code: m.reason,
    message: `no such file or folder: ${m.path}`,
  }));
  if (options.outDir) await mkdir(options.outDir, { recursive: true });

  for await (const o of analyzeFaceBatch(files, { workers: options.workers, config: options.config })) {
    outcomes.push(o);
    if (!o.ok) {
      counts.error++;
      problems.push({ file: o.file, code: o.error.code, message: o.error.message });
    } else {
      counts[o.analysis.quality.status]++;
      if (o.analysis.quality.status === 'reject') {
        const codes = o.analysis.quality.reasons.filter((r) => r.severity === 'reject').map((r) => r.code);
        problems.push({ file: o.file, code: codes.join(' '), message: 'rejected by the quality check' });
      }
      if (options.outDir) {
        const stem = stems[o.index];
        await writeAlignedCrop(join(options.outDir, 'crops', `${stem}.png`), o.analysis);
        await writeJson(join(options.outDir, 'faces', `${stem}.json`), faceAnalysisJson(o.analysis));
      }
    }
    options.onProgress?.(outcomes.length, files.length, o);
  }
  outcomes.sort((a, b) => a.index - b.index);
  let summaryPath: string | undefined;
  if (options.outDir) {
    summaryPath = join(options.outDir, 'summary.csv');
    await writeFile(summaryPath, toCsv(DETECT_SUMMARY_COLUMNS, outcomes.map(detectSummaryRow)));
  }
  return { total: files.length + missing.length, counts, problems, outcomes, summaryPath };
}
