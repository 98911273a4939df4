import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createExplainer, explanationFigures, type Explainer, type RankingLead } from '../explain/index.js';
import { uniqueStems } from '../io/files.js';
import { prepareOutputDir } from '../io/output-dir.js';
import { REGIONS, type RegionName } from '../face/regions.js';
import type { FeatureCache } from '../features/index.js';
import { loadBundle, predictPhotos, sexAgeOf, type Bundle, type PhotoPrediction } from '../model/index.js';
import type { QualityVerdict } from '../face/index.js';

export const CONDITION_NAMES = ['cushing', 'acromegaly'] as const;
export type ConditionName = (typeof CONDITION_NAMES)[number];

/** The main job's answer for one photo. */
export interface ScreenResult {
  file: string;
  quality?: QualityVerdict;
  scored: boolean;
  notScoredReason?: string;
  /** Why the photo could not be read or analysed (unreadable, corrupt), with the reason code's message. */
  error?: { code: string; message: string };
  /** Per condition: the normative score (deviation from normal faces, no patient data needed) and the trained screen. */
  conditions: Partial<
    Record<
      ConditionName,
      {
        normative?: { score: number; percentile: number };
        screen?: {
          probability: number;
          decision: string;
          threshold: number;
          /** Features missing on this photo and filled with training means (the decision holds without them). */
          missingFeatures?: { count: number; probabilityRange?: [number, number] };
        };
        /** Why the screen's result is not given for this photo (its decision hinges on missing features). */
        withheld?: { code: string; message: string };
      }
    >
  >;
  /** Manifest values that could not be used (sex, age), and what was done instead. */
  warnings?: { code: string; message: string }[];
  /** Regions that deviate most from normal faces of the same sex and age band, highest percentile first. */
  topRegions: { region: RegionName; label: string; percentile: number; signs: string[] }[];
  /** Per screen: the regions whose hiding lowers its probability most (region attribution), most important first. */
  drivers: Record<string, { region: RegionName; label: string; importance: number }[]>;
  /** Per screen: how the regions were hidden (`pixel`, or `combined` for a screen that reads FaceRes; explain.ts). */
  driverMethod: Record<string, string>;
  /** Per screen: how clearly the first driver leads the next structure (`decisive` from 1.5 logits, see lead.ts). */
  driverLead: Record<string, RankingLead>;
  reference?: string;
  /** Figures written per screen: region importances painted on the photo, and the occlusion heatmap. */
  figures: Record<string, { regions: string; heatmap?: string }>;
}

export interface ScreenRunOptions {
  model: string | Bundle;
  inputs: readonly string[];
  outDir?: string;
  cache?: FeatureCache;
  workers?: number;
  topRegions?: number;
  /** Progress of each stage: feature extraction, then the explanations. */
  onProgress?: (stage: 'features' | 'explain', done: number, total: number) => void;
  /**
   * Explanations of each screen's score per scored photo (written with `outDir`): `regions` (region
   * attribution by the explainer's default method, ≈ 1–3 s per screen), `coarse` / `fine` (plus an
   * occlusion heatmap, ≈ 5 / 20 s), `none`. Default `regions`.
   */
  explain?: 'regions' | 'coarse' | 'fine' | 'none';
  /** Told what the run passed over (an earlier run's figure folders below the inputs). */
  onNote?: (message: string) => void;
}

function toResult(p: PhotoPrediction, topN: number): ScreenResult {
  const conditions: ScreenResult['conditions'] = {};
  for (const c of CONDITION_NAMES) {
    const normative = p.normative?.conditions[c];
    const screen = p.screens[c];
    const withheld = p.withheld?.[c];
    if (!normative && !screen && !withheld) continue;
    const missing = screen?.missingFeatures;
    conditions[c] = {
      ...(normative ? { normative: { score: normative.score, percentile: normative.percentile } } : {}),
      ...(screen?.probability !== undefined
        ? {
            screen: {
              probability: screen.probability,
              decision: screen.decision,
              threshold: screen.threshold,
              ...(missing
                ? {
                    missingFeatures: {
                      count: missing.missing.length,
                      probabilityRange: missing.probabilityRange,
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(withheld ? { withheld: { code: withheld.code, message: withheld.message } } : {}),
    };
  }
  const topRegions = (p.normative?.regions ?? [])
    .filter((r) => Number.isFinite(r.percentile))
    .sort((a, b) => b.percentile - a.percentile || b.score - a.score)
    .slice(0, topN)
    .map((r) => ({
      region: r.region,
      label: REGIONS[r.region].label,
      percentile: r.percentile,
      signs: [
        ...REGIONS[r.region].signs.cushing.map((s) => `Cushing: ${s}`),
        ...REGIONS[r.region].signs.acromegaly.map((s) => `acromegaly: ${s}`),
      ],
    }));
  return {
    file: p.file,
    quality: p.quality,
    scored: p.scored,
    notScoredReason: p.notScoredReason,
    ...(p.error ? { error: { code: p.error.code, message: p.error.message } } : {}),
    ...(p.warnings ? { warnings: p.warnings } : {}),
    conditions,
    topRegions,
    drivers: {},
    driverMethod: {},
    driverLead: {},
    reference: p.normative ? `${p.normative.reference.stratum} (n = ${p.normative.reference.n})` : undefined,
    figures: {},
  };
}

/** Explains every screen on one scored photo, writes its figures and records the top drivers. */
async function explainPhoto(
  explainers: Explainer[],
  p: PhotoPrediction,
  result: ScreenResult,
  outDir: string,
  stem: string,
  topN: number,
): Promise<void> {
  const covariates = sexAgeOf(p.covariates);
  for (const ex of explainers) {
    const name = ex.target.screen.name;
    // A withheld score is not a finding: there is nothing to explain.
    if (p.withheld?.[name]) continue;
    const r = await ex.explain(p.file, covariates);
    result.drivers[name] = r.explanation.regions.regions
      .slice(0, topN)
      .map((x) => ({ region: x.region, label: x.label, importance: x.importance }));
    result.driverLead[name] = r.explanation.regions.lead;
    result.driverMethod[name] = r.explanation.masking.regionMethod;
    const figures = await explanationFigures(r);
    const regionsPath = join(outDir, 'photos', `${stem}.${name}.regions.png`);
    await writeFile(regionsPath, figures.regions);
    result.figures[name] = { regions: regionsPath };
    if (figures.heatmap) {
      const heatmapPath = join(outDir, 'photos', `${stem}.${name}.heatmap.png`);
      await writeFile(heatmapPath, figures.heatmap);
      result.figures[name].heatmap = heatmapPath;
    }
  }
}

/**
 * The main job: for each photo, the quality verdict; per condition the normative score with its
 * percentile among normal faces and the trained screen's probability; the regions that deviate most
 * from normal faces; and (with `outDir`) for each screen the regions that drive its score, painted on
 * the photo (plus an occlusion heatmap on request), a JSON per photo and `screen.json` for the run.
 */
export async function runScreen(
  options: ScreenRunOptions,
): Promise<{ results: ScreenResult[]; bundle: Bundle; earlierRun?: string }> {
  const bundle = typeof options.model === 'string' ? await loadBundle(options.model) : options.model;
  // Before the feature extraction: a folder that cannot be written must not waste it.
  const { earlierRun } = options.outDir
    ? await prepareOutputDir(options.outDir, { subfolders: ['photos'], runFile: 'screen.json' })
    : {};
  const preds = await predictPhotos({
    model: bundle,
    inputs: options.inputs,
    // The figures of an earlier run into the same folder are not photos to score.
    exclude: options.outDir ? [join(options.outDir, 'photos')] : [],
    cache: options.cache,
    workers: options.workers,
    onProgress: (d, t) => options.onProgress?.('features', d, t),
    onNote: options.onNote,
  });
  const topN = options.topRegions ?? 3;
  const results = preds.map((p) => toResult(p, topN));
  if (options.outDir) {
    const stems = uniqueStems(preds.map((p) => p.file));
    const mode = options.explain ?? 'regions';
    const explainers =
      mode === 'none'
        ? []
        : await Promise.all(
            bundle.metadata.screens
              .filter((s) => s.classes.length === 2)
              .map((s) =>
                createExplainer({
                  model: bundle,
                  screen: s.name,
                  heatmap: mode === 'regions' ? 'none' : mode,
                  saliency: false,
                  sanity: false,
                  workers: 0,
                }),
              ),
          );
    for (const [i, p] of preds.entries()) {
      if (p.scored) await explainPhoto(explainers, p, results[i], options.outDir, stems[i], topN);
      options.onProgress?.('explain', i + 1, preds.length);
      await writeFile(
        join(options.outDir, 'photos', `${stems[i]}.json`),
        JSON.stringify(
          { disclaimer: bundle.metadata.disclaimer, ...results[i], normative: p.normative },
          null,
          2,
        ) + '\n',
      );
    }
    await writeFile(
      join(options.outDir, 'screen.json'),
      JSON.stringify(
        {
          disclaimer: bundle.metadata.disclaimer,
          model: {
            name: bundle.metadata.name,
            version: bundle.metadata.version,
            intendedUse: bundle.metadata.intendedUse,
          },
          results,
        },
        null,
        2,
      ) + '\n',
    );
  }
  return { results, bundle, ...(earlierRun ? { earlierRun } : {}) };
}
