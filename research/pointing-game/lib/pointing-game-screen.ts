/**
 * The pointing-game proof's screens and what it does with their explanations: a bundle around one
 * trained pipeline, the judgement of one attribution (hit or miss), and what is saved of it.
 */
import type { DescriptorRunner } from '../../../src/explain/engine/descriptor-runner.js';
import { type ExplainTarget, type RegionAttribution } from '../../../src/explain/index.js';
import {
  attributionFromScores,
  perturbedFeatureRows,
  regionPerturbations,
  regionsMask,
  scoreRows,
  type PreparedFace,
} from '../../../src/explain/engine/index.js';
import { REGION_NAMES, type RegionName } from '../../../src/face/regions.js';
import type { FeatureSetName } from '../../../src/features/index.js';
import { DISCLAIMER, type Bundle, type NormativeModel } from '../../../src/model/index.js';

/**
 * A bundle holding one trained pipeline and a normative model of the training identities' own
 * unmodified photos, so that masked morphometrics and colour features go to the median of normal
 * faces of the same sex (the explainer's preferred reference), not to the training mean (which is
 * half phantoms).
 */
export function bundleOf(
  name: string,
  sets: FeatureSetName[],
  model: Bundle['screens'][string],
  normative: NormativeModel,
): Bundle {
  return {
    normative,
    metadata: {
      schemaVersion: 1,
      name,
      version: '0.0.0',
      changelog: {},
      task: `binary screen: ${name} vs control`,
      description: 'pointing-game screen',
      intendedUse: 'validation of explanations only',
      disclaimer: DISCLAIMER,
      extractors: {},
      preprocessing: { alignment: 'canonical crop', quality: 'pass, warn' },
      trainingData: { description: 'phantoms', sources: [], photos: 0, subjects: 0, byLabel: {}, hash: '' },
      screens: [
        {
          name,
          classes: ['control', name],
          featureSets: sets,
          threshold: { value: 0.5, rule: 'fixed' },
          estimator: 'logistic',
          metrics: {},
          file: `screens/${name}.json`,
        },
      ],
      createdAt: new Date().toISOString(),
      softwareVersion: '',
      files: {},
    },
    screens: { [name]: model },
  };
}

export interface Outcome {
  file: string;
  score: number;
  top: RegionName[];
  hit: boolean;
  tie: boolean;
  bestTargetRank: number;
}

/** The regions tied for the largest value (within 1e-12). */
export function tiedFirst(values: ReadonlyArray<{ region: RegionName; value: number }>): RegionName[] {
  const max = Math.max(...values.map((v) => v.value));
  return values.filter((v) => v.value >= max - 1e-12).map((v) => v.region);
}

/** The proof's strict hit, whatever the ranking: every region tied for first must be a target. */
export function strictHit(
  values: ReadonlyArray<{ region: RegionName; value: number }>,
  targets: Set<RegionName>,
): boolean {
  return tiedFirst(values).every((r) => targets.has(r));
}

export function judge(a: RegionAttribution, targets: Set<RegionName>, file: string): Outcome {
  const values = a.regions.map((r) => ({ region: r.region, value: r.importance }));
  const top = tiedFirst(values);
  return {
    file,
    score: a.score,
    top,
    hit: strictHit(values, targets),
    tie: top.length > 1,
    bestTargetRank: Math.min(...a.regions.filter((r) => targets.has(r.region)).map((r) => r.rank)),
  };
}

/**
 * The region attribution plus, for the report, each region restored alone onto the fully masked face
 * (the insertion side: 14 more descriptor passes).
 */
export async function attributeBothWays(target: ExplainTarget, face: PreparedFace, runner: DescriptorRunner) {
  const all = REGION_NAMES.map((_, r) => r);
  const restored = all.map((r) => ({
    mask: regionsMask(
      face,
      all.filter((x) => x !== r),
    ),
    source: 'face' as const,
  }));
  const deletion = regionPerturbations(face);
  const rows = await perturbedFeatureRows(target, face, [...deletion, ...restored], runner);
  const scores = scoreRows(target, rows);
  const attribution = attributionFromScores(face, scores.subarray(0, deletion.length));
  const kept = Object.fromEntries(REGION_NAMES.map((r, i) => [r, scores[deletion.length + i]]));
  return { attribution, kept };
}

/** What the proof keeps of an attribution (the report re-ranks from it, e.g. by contrast to normal faces). */
export function saveable(file: string, a: RegionAttribution, kept?: Record<string, number>) {
  return {
    file,
    score: a.score,
    allMasked: a.together.allMaskedScore,
    masked: Object.fromEntries(a.regions.map((x) => [x.region, x.maskedScore])),
    ...(kept ? { kept } : {}),
  };
}
