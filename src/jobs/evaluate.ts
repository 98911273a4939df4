/**
 * The `evaluate` job: reads a predictions file (and reader ratings), evaluates the study and writes
 * `metrics.json` (every number at full precision, with the run's record), `summary.md`, and the ROC,
 * precision–recall and calibration figures as `.svg`, `.png` and their Vega-Lite `.vl.json` specs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parsePredictionsCsv, parseReadersCsv, type ReaderRatingTable } from '../data/index.js';
import { fileReadError, prepareOutputDir } from '../io/index.js';
import {
  calibrationSpec,
  evaluateStudy,
  evaluationMarkdown,
  percent,
  precisionRecallSpec,
  readerPoints,
  renderSvg,
  rocSpec,
  svgToPng,
  toJson,
  type EvaluationMetrics,
  type EvaluationOptions,
  type InputFile,
} from '../report/index.js';
import { startRun, type JobContext, type JobOutput } from './run.js';

export interface EvaluateRequest extends EvaluationOptions {
  /** Predictions `image,subject,label,score[,covariates…]` (label 0/1). */
  predictions: string;
  /** Reader ratings `image,reader,rating[,reader_level]`. */
  readers?: string;
  /** Output folder. */
  out: string;
}

export interface EvaluateResult extends JobOutput {
  metrics: EvaluationMetrics;
}

async function readInput(path: string): Promise<{ text: string; sha256: string }> {
  const buf = await readFile(path).catch((e: unknown) => {
    throw fileReadError(e, path);
  });
  return { text: buf.toString('utf8'), sha256: createHash('sha256').update(buf).digest('hex') };
}

/**
 * Evaluates a study from its files. Refuses an unusable output folder before reading anything.
 *
 * @throws `output_not_writable`, `file_not_found`, the tables' errors (`missing_column`,
 *   `invalid_label`, …), `single_class`
 */
export async function runEvaluate(
  request: EvaluateRequest,
  context: JobContext = {},
): Promise<EvaluateResult> {
  const run = startRun(context);
  const { predictions: predictionsPath, readers: readersPath, out, ...options } = request;
  const { earlierRun } = await prepareOutputDir(out, { runFile: 'metrics.json' });
  if (earlierRun) run.note(earlierRun);
  const metrics = await run.timed('statistics', async () => {
    const p = await readInput(predictionsPath);
    const predictions = parsePredictionsCsv(p.text, basename(predictionsPath));
    let ratings: ReaderRatingTable | null = null;
    let readersInput: InputFile | null = null;
    if (readersPath !== undefined) {
      const r = await readInput(readersPath);
      ratings = parseReadersCsv(r.text, basename(readersPath));
      readersInput = { file: readersPath, sha256: r.sha256, rows: ratings.image.length };
    }
    run.progress('statistics', 0, 1);
    return evaluateStudy(predictions, ratings, options, {
      predictions: { file: predictionsPath, sha256: p.sha256, rows: predictions.image.length },
      readers: readersInput,
    });
  });
  run.progress('statistics', 1, 1);
  const write = (name: string, data: string | Buffer) => run.write(join(out, name), data);
  const specs = figureSpecs(metrics);
  await run.timed('figures', async () => {
    for (const [name, spec] of Object.entries(specs)) {
      run.checkCancelled();
      const svg = await renderSvg(spec);
      await write(`${name}.vl.json`, JSON.stringify(spec, null, 2) + '\n');
      await write(`${name}.svg`, svg);
      await write(`${name}.png`, await svgToPng(svg));
    }
  });
  await write('summary.md', evaluationMarkdown(metrics));
  const info = run.info();
  // Written last: a metrics.json means a finished evaluation.
  await write('metrics.json', toJson({ ...metrics, run: info }) + '\n');
  return { metrics, files: run.files, notes: run.notes, run: run.info() };
}

/** The figures of an evaluation, as Vega-Lite specs by file name. */
function figureSpecs(metrics: EvaluationMetrics): Record<string, ReturnType<typeof rocSpec>> {
  const ph = metrics.photo;
  const auc = `AUC ${ph.auc.estimate.toFixed(3)}`;
  return {
    roc: rocSpec(ph.rocCurve, auc, metrics.readers === null ? [] : readerPoints(metrics.readers.readers)),
    'precision-recall': precisionRecallSpec(
      ph.precisionRecallCurve,
      `Average precision ${ph.averagePrecision.estimate.toFixed(3)}; dashed line = prevalence`,
      ph.nPositive / ph.nCases,
    ),
    ...(ph.calibration === null
      ? {}
      : {
          calibration: calibrationSpec(
            ph.calibration.uniform,
            `Photo level, ${ph.calibration.uniform.nBins} uniform bins; bars = Wilson ${percent(metrics.options.level)} CI; labels = photos per bin`,
          ),
        }),
  };
}
