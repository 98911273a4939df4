/**
 * A whole explanation run, as `endoface explain` does it: explain each photo (or each row of a
 * manifest), write its figures and JSON, then the cohort summary and — with expert ratings — the
 * agreement between model and experts with its chart.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EndofaceError, isEndofaceError, type Reason } from '../core/index.js';
import { readablePhotos, resolvePhotoInputs, type PhotoInput } from '../data/index.js';
import {
  agreementChartSpec,
  checkExpertRatings,
  cohortRegionImportance,
  conditionOf,
  createExplainer,
  explainTarget,
  explanationFigures,
  readHumanRoiCsv,
  regionAgreement,
  regionMethodFor,
  type CohortPhoto,
  type CohortRegionImportance,
  type Explainer,
  type ExplainOptions,
  type PhotoExplanation,
  type RegionAgreement,
  type RegionBaseline,
  type RoiCondition,
} from '../explain/index.js';
import { prepareOutputDir, sameContentNote, toCsv, uniqueStems } from '../io/index.js';
import { readSexAge, type CovariateWarning, type Sex } from '../model/index.js';
import { renderSvg, svgToPng } from '../report/index.js';
import { checkResamples } from '../stats/index.js';
import { openBundle, type ModelRequest } from './resources.js';
import { startRun, type JobContext, type JobOutput, type Run } from './run.js';

export interface ExplainRequest extends Omit<ExplainOptions, 'baseline' | 'model'>, ModelRequest {
  /** Photos, folders, or CSV manifests (`file[,subject_id,label,sex,age,…]`). */
  inputs: readonly string[];
  /**
   * Rank regions by their contrast to normal faces (baseline.ts): a baseline, a `baseline.json`
   * written by an earlier run, or normal photos (a folder or CSV manifest) to measure it on — it is
   * then written to `<out>/baseline.json` for reuse.
   */
  baseline?: RegionBaseline | string;
  /** Output folder. */
  out: string;
  /** Expert regions-of-interest CSV (`condition,region,rating|rank[,reader]`). */
  humanRoi?: string;
  /** The condition the experts' ratings are compared for (default: the explained class's name). */
  condition?: string;
  /** Bootstrap replicates of the agreement intervals (default 2000). */
  nResamples?: number;
}

export interface ExplainJobResult extends JobOutput {
  /** The baseline of normal faces the ranking used, and the normal photos it could not use. */
  baseline?: { baseline: RegionBaseline; failed: Problem[] };
  /** `warnings`: manifest values (sex, age) that could not be used, and what was done instead. */
  explained: { file: string; stem: string; explanation: PhotoExplanation; warnings?: CovariateWarning[] }[];
  failed: Problem[];
  cohort?: CohortRegionImportance;
  agreement?: RegionAgreement;
  outDir: string;
}

/** Stems of the files a run writes besides the per-photo ones. */
const RUN_FILES = new Set(['baseline', 'cohort', 'agreement', 'explanations']);

/** A photo that gave no explanation, with its reason. */
type Problem = Reason & { file: string };

interface Target {
  file: string;
  subject?: string;
  label?: string;
  sex?: Sex;
  age?: number;
  warnings?: CovariateWarning[];
}

/**
 * Output names of the photos: a photo named like a run file (cohort.jpg → cohort.json) must not
 * overwrite it, so it becomes `cohort.photo`, numbered on if another photo already has that name.
 */
function photoStems(files: readonly string[]): string[] {
  const stems = uniqueStems(files);
  const taken = new Set(stems.map((s) => s.toLowerCase()));
  return stems.map((stem) => {
    if (!RUN_FILES.has(stem.toLowerCase())) return stem;
    let renamed = `${stem}.photo`;
    for (let n = 2; taken.has(renamed.toLowerCase()); n++) renamed = `${stem}.photo_${n}`;
    taken.add(renamed.toLowerCase());
    return renamed;
  });
}

/** Sex and age of a manifest row, with warnings only when a value could not be used. */
function covariatesOf(covariates: Record<string, string>): Pick<Target, 'sex' | 'age' | 'warnings'> {
  const { sex, age, warnings } = readSexAge(covariates);
  return { sex, age, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** The photos to explain, and the problems of those that give none (in the inputs' order). */
async function resolveTargets(
  inputs: readonly string[],
  exclude: readonly string[],
): Promise<{ targets: Target[]; missing: Problem[]; notes: string[] }> {
  const { photos, notes } = await resolvePhotoInputs(inputs, { exclude });
  const targets = readablePhotos(photos).map(({ photo }) => targetOf(photo));
  const missing = photos.flatMap((p) => (p.problem ? [{ file: p.file, ...p.problem }] : []));
  return { targets, missing, notes };
}

function targetOf(photo: PhotoInput): Target {
  return {
    file: photo.file,
    ...(photo.subjectId !== undefined ? { subject: photo.subjectId } : {}),
    ...(photo.label !== undefined ? { label: photo.label } : {}),
    ...covariatesOf(photo.covariates),
  };
}

/**
 * Explains every input photo with one bundle and writes, in `out`:
 * `<stem>.json` (the explanation, regions ranked), `<stem>.regions.png`, `<stem>.heatmap.png`,
 * `<stem>.saliency.png`; `explanations.csv` (one row per photo); `cohort.json` (mean region
 * importance by class); and with `humanRoi`, `agreement.json` plus `agreement.{png,svg,vl.json}`.
 * A photo that cannot be explained (unreadable, no face) is listed in `failed` with its reason
 * code; the run goes on. Everything a run can refuse — the ratings file and its regions, the
 * replicate count, the baseline path, the output folder (`output_not_writable`) — is checked
 * before the first photo is explained.
 */
export async function runExplain(
  options: ExplainRequest,
  context: JobContext = {},
): Promise<ExplainJobResult> {
  const run = startRun(context);
  const human = options.humanRoi ? await readHumanRoiCsv(options.humanRoi) : undefined;
  if (options.nResamples !== undefined) checkResamples(options.nResamples, 0);
  await checkBaselineSource(options.baseline);
  // The run writes its figures into `out`: an earlier run's are not photos to explain.
  const { targets, missing: failed, notes } = await resolveTargets(options.inputs, [options.out]);
  for (const note of notes) run.note(note);
  if (targets.length === 0 && failed.length === 0)
    throw new EndofaceError('empty_dataset', ['no photos to explain', ...notes].join('; '), {
      inputs: options.inputs,
    });
  // Everything that can be refused is checked before any long work (the baseline, the photos).
  const bundle = await run.timed('load', () => openBundle(options.model));
  const target = explainTarget(bundle, options.screen, options.className);
  const className = target.screen.classes[target.classIndex];
  regionMethodFor(target, options.regionMethod);
  let condition: RoiCondition | undefined;
  if (human) {
    try {
      condition = conditionOf(
        options.condition ?? className,
        options.condition ? 'condition' : `explained class "${className}" (give \`condition\`)`,
      );
    } catch (e) {
      // A condition the request names is a bad option, as any other; the ratings file's are `unknown_condition`.
      if (options.condition === undefined || !isEndofaceError(e)) throw e;
      throw new EndofaceError('invalid_option', e.message, { ...e.details, parameter: 'condition' });
    }
    checkExpertRatings(human, condition);
  }
  const { earlierRun } = await prepareOutputDir(options.out, { runFile: 'explanations.csv' });
  if (earlierRun) run.note(earlierRun);
  const stems = photoStems(targets.map((t) => t.file));
  const explained: ExplainJobResult['explained'] = [];
  const cohort: CohortPhoto[] = [];
  let baseline: ExplainJobResult['baseline'];
  const explainer = await createExplainer({
    ...options,
    model: bundle,
    baseline: undefined,
    workers: run.workers(options.workers, 2),
  });
  try {
    baseline = await run.timed('baseline', () => resolveBaseline(explainer, options, className, run));
    explainer.useBaseline(baseline?.baseline);
    for (const [i, t] of targets.entries()) {
      run.checkCancelled();
      run.progress('explain', i, targets.length, t.file);
      try {
        const result = await run.timed('explain', () =>
          explainer.explain(t.file, { sex: t.sex, age: t.age }),
        );
        const figures = await explanationFigures(result);
        const stem = stems[i];
        const warnings = t.warnings ? { warnings: t.warnings } : {};
        await run.write(
          join(options.out, `${stem}.json`),
          JSON.stringify({ ...result.explanation, ...warnings }, null, 2) + '\n',
        );
        await run.write(join(options.out, `${stem}.regions.png`), figures.regions);
        if (figures.heatmap) await run.write(join(options.out, `${stem}.heatmap.png`), figures.heatmap);
        if (figures.saliency) await run.write(join(options.out, `${stem}.saliency.png`), figures.saliency);
        explained.push({ file: t.file, stem, explanation: result.explanation, ...warnings });
        // A withheld score (it hinges on missing features) is no finding for the cohort or the experts.
        if (result.explanation.missingFeatures?.stable !== false)
          cohort.push({
            file: t.file,
            subject: t.subject,
            label: t.label,
            regions: result.explanation.regions,
          });
      } catch (e) {
        if (!isEndofaceError(e)) throw e;
        failed.push({ file: t.file, code: e.code, message: e.message });
      }
    }
    run.progress('explain', targets.length, targets.length);
  } finally {
    await explainer.dispose();
  }
  await run.write(join(options.out, 'explanations.csv'), summaryCsv(explained, failed));
  const sameBytes = sameContentNote(
    explained.map((e) => e.file),
    explained.map((e) => e.explanation.sha256),
  );
  if (sameBytes) run.note(sameBytes);
  const out: Omit<ExplainJobResult, 'run' | 'files' | 'notes'> = {
    explained,
    failed,
    outDir: options.out,
    baseline,
  };
  if (cohort.length > 0) {
    out.cohort = cohortRegionImportance(cohort);
    await run.write(join(options.out, 'cohort.json'), JSON.stringify(out.cohort, null, 2) + '\n');
  }
  if (human && condition && cohort.length > 0) {
    // Experts rate where they look for the condition: compare on the affected photos when labelled.
    const affected = cohort.filter((p) => p.label === className);
    out.agreement = regionAgreement(affected.length > 0 ? affected : cohort, human, {
      condition,
      nResamples: options.nResamples,
      seed: options.seed,
    });
    await run.write(join(options.out, 'agreement.json'), JSON.stringify(out.agreement, null, 2) + '\n');
    const spec = agreementChartSpec([out.agreement]);
    const svg = await renderSvg(spec);
    await run.write(join(options.out, 'agreement.vl.json'), JSON.stringify(spec, null, 2) + '\n');
    await run.write(join(options.out, 'agreement.svg'), svg);
    await run.write(join(options.out, 'agreement.png'), await svgToPng(svg));
  }
  const info = run.info(bundle);
  await run.write(
    join(options.out, 'run.json'),
    JSON.stringify({ run: info, notes: run.notes }, null, 2) + '\n',
  );
  return { ...out, files: run.files, notes: run.notes, run: info };
}

/**
 * Refuses a `baseline` path that does not exist before any work (resolveBaseline would otherwise
 * find no normal photo in it, after the model is loaded).
 *
 * @throws `file_not_found`
 */
async function checkBaselineSource(source: ExplainRequest['baseline']): Promise<void> {
  if (typeof source !== 'string') return;
  if (!(await stat(source).catch(() => undefined)))
    throw new EndofaceError('file_not_found', `baseline ${source}: no such file or folder`, {
      parameter: 'baseline',
      file: source,
    });
}

/**
 * The run's baseline: given, read from a JSON file, or measured on normal photos by the run's own
 * explainer (same settings, same worker threads) and written to `<out>/baseline.json`.
 *
 * @throws `invalid_option` for a file that is not JSON (the explainer refuses one that is not a
 *   baseline of its screen); `empty_dataset` when no normal photo could be explained
 */
async function resolveBaseline(
  explainer: Explainer,
  options: ExplainRequest,
  className: string,
  run: Run,
): Promise<ExplainJobResult['baseline']> {
  const source = options.baseline;
  if (source === undefined) return undefined;
  if (typeof source !== 'string') return { baseline: source, failed: [] };
  if (extname(source).toLowerCase() === '.json') {
    try {
      return { baseline: JSON.parse(await readFile(source, 'utf8')) as RegionBaseline, failed: [] };
    } catch (e) {
      throw new EndofaceError('invalid_option', `baseline ${source}: ${(e as Error).message}`, {
        parameter: 'baseline',
        value: source,
      });
    }
  }
  const { targets, missing: failed } = await resolveTargets([source], [options.out]);
  // A cohort manifest may be passed whole: its photos labelled with the explained class are not normal.
  const normals = targets.filter((t) => t.label !== className);
  for (const t of targets.filter((t) => t.label === className))
    failed.push({
      file: t.file,
      code: 'not_normal',
      message: `labelled "${className}", the explained class`,
    });
  const measured = await explainer.measureBaseline(normals, (done, total, file) =>
    run.progress('baseline', done, total, file),
  );
  await run.write(join(options.out, 'baseline.json'), JSON.stringify(measured.baseline, null, 2) + '\n');
  return { baseline: measured.baseline, failed: [...failed, ...measured.failed] };
}

function summaryCsv(explained: ExplainJobResult['explained'], failed: ExplainJobResult['failed']): string {
  const columns = [
    'image',
    'score',
    'decision',
    'quality',
    'top_region',
    'second_region',
    'third_region',
    'explained_by_regions',
    'sum_of_importances',
    'randomisation_mean_spearman',
    'deletion_auc_most_important_first',
    'deletion_auc_random',
    'error',
    'ranked_by',
    'region_method',
    'lead_logit',
    'decisive',
    'withheld',
  ];
  const rows = [
    ...explained.map(({ file, explanation: e }) => ({
      image: file,
      score: e.score,
      decision: e.decision,
      quality: e.quality.status,
      top_region: e.regions.regions[0].region,
      second_region: e.regions.regions[1].region,
      third_region: e.regions.regions[2].region,
      ranked_by: e.regions.rankedBy,
      region_method: e.masking.regionMethod,
      lead_logit: e.regions.lead.logit,
      decisive: e.regions.lead.decisive,
      withheld: e.missingFeatures?.stable === false ? e.regions.lead.note : undefined,
      explained_by_regions: e.regions.together.explained,
      sum_of_importances: e.regions.together.sumOfImportances,
      randomisation_mean_spearman: e.sanity?.randomisation.meanSpearman ?? undefined,
      deletion_auc_most_important_first: e.sanity?.deletion.auc.mostImportantFirst,
      deletion_auc_random: e.sanity?.deletion.auc.random,
    })),
    ...failed.map((f) => ({ image: f.file, error: `${f.code}: ${f.message}` })),
  ];
  return toCsv(columns, rows);
}
