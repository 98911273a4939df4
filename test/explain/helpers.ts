/** Hand-made bundles and attributions for the explain tests: every weight known, no training. */
import { extractorVersions, type FeatureSetName } from '../../src/features/index.js';
import { REGION_NAMES, REGIONS } from '../../src/face/regions.js';
import { type RegionAttribution } from '../../src/explain/index.js';
import { importanceLead } from '../../src/explain/engine/index.js';
import { DISCLAIMER, matrixColumns, type Bundle, type SerializedPipeline } from '../../src/model/index.js';
import { createRandom } from '../../src/stats/index.js';

/**
 * A bundle with one binary logistic screen over `sets` whose coefficients are `weights` (column
 * name → weight, every other column 0), standardiser mean `means` (default 0) and scale 1, and no
 * calibration: P(positive) = σ(Σ w·(x − mean) + intercept).
 */
export function craftedBundle(
  sets: FeatureSetName[],
  weights: Record<string, number>,
  options: { means?: Record<string, number>; intercept?: number } = {},
): Bundle {
  const columns = matrixColumns(sets);
  for (const name of Object.keys({ ...weights, ...options.means })) {
    if (!columns.includes(name)) throw new Error(`no column ${name}`);
  }
  const pipeline: SerializedPipeline = {
    format: 'endoface.screen-pipeline',
    formatVersion: 1,
    task: 'binary',
    classes: ['control', 'case'],
    columns,
    hyperParameters: { C: 1 },
    standardizer: { mean: columns.map((c) => options.means?.[c] ?? 0), scale: columns.map(() => 1) },
    estimator: {
      type: 'logistic',
      C: 1,
      coef: columns.map((c) => weights[c] ?? 0),
      intercept: options.intercept ?? 0,
    },
    calibrator: { method: 'none' },
  };
  return {
    metadata: {
      schemaVersion: 1,
      name: 'crafted',
      version: '0.0.1',
      changelog: { '0.0.1': 'hand-made for tests' },
      task: 'binary screen: case vs control',
      description: 'hand-made weights',
      intendedUse: 'tests only',
      disclaimer: DISCLAIMER,
      extractors: extractorVersions(),
      preprocessing: { alignment: 'canonical crop', quality: 'admitted: pass, warn' },
      trainingData: { description: 'none', sources: [], photos: 0, subjects: 0, byLabel: {}, hash: '' },
      screens: [
        {
          name: 'crafted',
          classes: ['control', 'case'],
          negative: 'control',
          positive: 'case',
          featureSets: sets,
          threshold: { value: 0.5, rule: 'fixed' },
          estimator: 'logistic',
          metrics: {},
          file: 'screens/crafted.json',
        },
      ],
      createdAt: new Date(0).toISOString(),
      softwareVersion: '0.0.0',
      files: {},
    },
    screens: { crafted: pipeline },
  };
}

/** Seeded standard-normal weights on every column of `sets`, times `scale`. */
export function randomWeights(sets: FeatureSetName[], seed: number, scale = 1): Record<string, number> {
  const rng = createRandom(seed);
  return Object.fromEntries(
    matrixColumns(sets).map((c) => [
      c,
      scale * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()),
    ]),
  );
}

/** A region attribution with the given importances (REGION_NAMES order), for cohort and agreement tests. */
export function attributionOf(importances: readonly number[], score = 0.5): RegionAttribution {
  const regions = REGION_NAMES.map((region, r) => ({
    region,
    label: REGIONS[region].label,
    importance: importances[r],
    maskedScore: score - importances[r],
    rank: 0,
    pixels: 100,
  })).sort((a, b) => b.importance - a.importance);
  regions.forEach((x, i) => (x.rank = i + 1));
  const sum = importances.reduce((a, b) => a + b, 0);
  return {
    method: 'region-masking',
    score,
    regions,
    together: { allMaskedScore: score - sum, explained: sum, sumOfImportances: sum },
    reference: 'training-mean',
    rankedBy: 'importance',
    lead: importanceLead(score, regions),
  };
}
