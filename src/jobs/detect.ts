/**
 * The `detect` job: every photo under the inputs analysed (face, 468-point mesh, pose, alignment,
 * quality) and, with an output folder, `crops/<name>.png` (the aligned face) and `faces/<name>.json`
 * per photo as soon as it is done, and `summary.csv` (one row per input) and `run.json` (the run's
 * record: versions, timings) at the end.
 */
import { join } from 'node:path';
import { EndofaceError, type Reason } from '../core/index.js';
import { readablePhotos, resolvePhotoInputs } from '../data/index.js';
import { analyzeFaceBatch, type BatchOutcome, type FaceConfig } from '../face/index.js';
import { prepareOutputDir, toCsv, uniqueStems } from '../io/index.js';
import {
  alignedCropPng,
  DETECT_SUMMARY_COLUMNS,
  detectSummaryRow,
  faceAnalysisJson,
} from '../report/index.js';
import type { DeepPartial } from '../util/index.js';
import { startRun, type JobContext, type JobOutput } from './run.js';

/** What a run writes beside summary.csv: never read back as photos by the next run. */
const OUTPUT_SUBFOLDERS = ['crops', 'faces'];

export interface DetectRequest {
  /** Photos, folders or manifests. */
  inputs: readonly string[];
  /** Output folder; nothing is written when absent. */
  out?: string;
  /** Worker threads (0 = this thread). Default 0. */
  workers?: number;
  config?: DeepPartial<FaceConfig>;
}

export interface DetectResult extends JobOutput {
  total: number;
  /** `error` counts the photos that could not be read: the counts add up to `total`. */
  counts: { pass: number; warn: number; reject: number; error: number };
  /** Files that could not be read at all or gave no usable result, with their reasons. */
  problems: (Reason & { file: string })[];
  /** One per input photo, in the order of the inputs. */
  outcomes: BatchOutcome[];
  summaryPath?: string;
}

/**
 * Analyses every photo; bad files are recorded with their reason code and the run goes on.
 *
 * @throws `file_not_found` (a named path), `empty_dataset` when the inputs hold no photo,
 *   `output_not_writable` (before any work)
 */
export async function runDetect(request: DetectRequest, context: JobContext = {}): Promise<DetectResult> {
  const run = startRun(context);
  const { out } = request;
  // An earlier run's crops in the inputs (output folder inside the input folder) are not photos.
  const written = out ? OUTPUT_SUBFOLDERS.map((f) => join(out, f)) : [];
  const { photos, notes } = await resolvePhotoInputs(request.inputs, { exclude: written });
  for (const note of notes) run.note(note);
  if (photos.length === 0)
    throw new EndofaceError(
      'empty_dataset',
      // Why, when the search passed something over (an earlier run's crops or phantoms).
      [`no photos found in ${request.inputs.join(', ')}`, ...notes].join('; '),
      { inputs: request.inputs },
    );
  if (out) {
    const { earlierRun } = await prepareOutputDir(out, {
      subfolders: OUTPUT_SUBFOLDERS,
      runFile: 'summary.csv',
    });
    if (earlierRun) run.note(earlierRun);
  }
  const readable = readablePhotos(photos);
  const stems = uniqueStems(readable.map((r) => r.photo.file));
  const outcomes: BatchOutcome[] = photos.flatMap((p, index) =>
    p.problem ? [{ index, file: p.file, ok: false as const, error: p.problem }] : [],
  );
  await run.timed('face', async () => {
    let done = 0;
    for await (const o of analyzeFaceBatch(
      readable.map((r) => r.photo.file),
      { workers: run.workers(request.workers, 0), config: request.config },
    )) {
      run.checkCancelled();
      outcomes.push({ ...o, index: readable[o.index].index });
      if (o.ok && out) {
        const stem = stems[o.index];
        const crop = await alignedCropPng(o.analysis);
        if (crop) await run.write(join(out, 'crops', `${stem}.png`), crop);
        await run.write(
          join(out, 'faces', `${stem}.json`),
          JSON.stringify(faceAnalysisJson(o.analysis), null, 2) + '\n',
        );
      }
      run.progress('face', ++done, readable.length, o.file);
    }
  });
  outcomes.sort((a, b) => a.index - b.index);
  const counts = { pass: 0, warn: 0, reject: 0, error: 0 };
  const problems: DetectResult['problems'] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      counts.error++;
      problems.push({ file: o.file, code: o.error.code, message: o.error.message });
      continue;
    }
    counts[o.analysis.quality.status]++;
    if (o.analysis.quality.status === 'reject') {
      const codes = o.analysis.quality.reasons.filter((r) => r.severity === 'reject').map((r) => r.code);
      problems.push({
        file: o.file,
        // No face is its own outcome, as in the other jobs; any other rejection names its reasons.
        code: codes.includes('no_face') ? 'no_face' : 'quality_rejected',
        message: `rejected by the quality check (${codes.join(', ')})`,
      });
    }
  }
  const summaryPath = out
    ? await run.write(join(out, 'summary.csv'), toCsv(DETECT_SUMMARY_COLUMNS, outcomes.map(detectSummaryRow)))
    : undefined;
  const info = run.info();
  // The run's record beside its summary (a CSV has no place for it).
  if (out)
    await run.write(
      join(out, 'run.json'),
      JSON.stringify({ run: info, counts, notes: run.notes }, null, 2) + '\n',
    );
  return {
    total: photos.length,
    counts,
    problems,
    outcomes,
    ...(summaryPath ? { summaryPath } : {}),
    files: run.files,
    notes: run.notes,
    run: info,
  };
}
