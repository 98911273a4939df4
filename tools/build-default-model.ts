/**
 * Rebuilds models/default/ deterministically from ../shared/data:
 *  - the normative model over public normal faces (studio sets + a sex × age-band sample of UTKFace
 *    adults, quality `pass` only);
 *  - a demonstration screen per condition, trained on SIMULATED phenotypes (never patients): the
 *    training identities' unmodified photos as controls and one phantom each at a seeded severity
 *    around 0.6, by nested subject-grouped CV. Held-out identities (tools/lib/phantom-cohorts.ts)
 *    are kept for the validation report (research/default-model-validation/validate-default-model.ts).
 * Usage: npx tsx tools/build-default-model.ts
 */
import { extractorVersions, type FeatureSetName } from '../src/features/index.js';
import {
  ageBandOf,
  DISCLAIMER,
  featureMatrix,
  fitNormativeModel,
  matrixColumns,
  trainScreen,
  trainingDataHash,
  type NormativeSample,
  type ScreenMetadata,
} from '../src/model/index.js';
import type { SerializedPipeline } from '../src/model/index.js';
import { saveBundle } from '../src/jobs/index.js';
import { SIMULATOR_VERSION, type Condition } from '../src/simulate/index.js';
import { delongCi, thresholdMetrics, youdenThreshold } from '../src/stats/index.js';
import { SOFTWARE_VERSION } from '../src/core/version.js';
import { extractCohort } from './lib/extract-cohort.js';
import { identitySplit, phantomCohort } from './lib/phantom-cohorts.js';
import { SOURCES, studioPhotos, utkPhotos } from './lib/public-data.js';

const OUT = 'models/default';
/**
 * Candidate feature sets of the screens; each condition keeps the one with the best out-of-fold AUC on
 * its training identities (the held-out identities play no part in the choice).
 */
const CANDIDATES: FeatureSetName[][] = [
  ['faceres', 'morphometrics', 'colour'],
  ['morphometrics', 'colour', 'colourmap'],
  ['faceres', 'morphometrics', 'colour', 'colourmap'],
  ['faceres', 'faceres-deep', 'morphometrics', 'colour'],
  ['faceres', 'faceres-lower', 'morphometrics', 'colour'],
  ['faceres', 'faceres-deep', 'faceres-lower', 'morphometrics', 'colour'],
];
const ALL_SETS = [...new Set(CANDIDATES.flat())];
const CONDITIONS: Condition[] = ['cushing', 'acromegaly'];

// 1. Normative model.
const normalPhotos = [
  ...studioPhotos(),
  ...utkPhotos({
    filter: (p) => (p.age ?? 0) >= 18,
    stratum: (p) => `${p.sex}|${ageBandOf(p.age)}`,
    perStratum: 150,
  }),
];
console.log(`normative model: ${normalPhotos.length} candidate photos`);
const normals = await extractCohort(normalPhotos, ['morphometrics', 'colour', 'faceres'], {
  label: 'normative',
});
const used = normals.filter((e) => e.features.quality.status === 'pass');
const excluded: Record<string, number> = {};
for (const e of normals) {
  if (e.features.quality.status === 'pass') continue;
  const key = `${e.features.quality.status}:${e.features.quality.reasons.map((r) => r.code).join('+') || 'no_face'}`;
  excluded[key] = (excluded[key] ?? 0) + 1;
}
const samples: NormativeSample[] = used.map(({ photo, features }) => ({
  sex: photo.sex,
  age: photo.age,
  morphometrics: features.sets.morphometrics!,
  colour: features.sets.colour!,
  descriptor: features.sets.faceres,
}));
const normative = fitNormativeModel(samples, { descriptorSet: 'faceres' });
const bySet = used.reduce<Record<string, number>>(
  (acc, e) => ((acc[e.photo.set] = (acc[e.photo.set] ?? 0) + 1), acc),
  {},
);

// 2. Demonstration screens on simulated phenotypes of the training identities.
const { train } = identitySplit();
const screens: Record<string, SerializedPipeline> = {};
const screenMeta: ScreenMetadata[] = [];
const trainingRows: { sha256: string; subjectId: string; label: string }[] = [];
const byLabel: Record<string, number> = {};
for (const condition of CONDITIONS) {
  const rows = await phantomCohort(`train-${condition}`, train, {
    condition,
    severity: 0.6,
    jitter: 0.2,
    signMix: 0.3,
    includeControls: true,
    seed: condition === 'cushing' ? 101 : 202,
  });
  const extracted = (await extractCohort(rows, ALL_SETS, { label: `train ${condition}` })).filter(
    (e) => e.features.faceCount > 0 && e.features.quality.status !== 'reject',
  );
  const y = extracted.map((e) => (e.photo.label === 'control' ? 0 : 1));
  const groups = extracted.map((e) => e.photo.subjectId);
  let best: { sets: FeatureSetName[]; trained: ReturnType<typeof trainScreen> } | undefined;
  for (const sets of CANDIDATES) {
    const candidate = trainScreen(
      featureMatrix(
        extracted.map((e) => e.features),
        sets,
      ),
      y,
      groups,
      {
        columns: matrixColumns(sets),
        classes: ['control', condition],
        seed: 0,
      },
    );
    console.log(`  ${condition} ${sets.join(' + ')}: out-of-fold AUC ${candidate.cv.oofAuc.toFixed(4)}`);
    if (!best || candidate.cv.oofAuc > best.trained.cv.oofAuc) best = { sets, trained: candidate };
  }
  const { sets: SCREEN_SETS, trained } = best!;
  const yt = trained.oof.map((o) => o.label);
  const ys = trained.oof.map((o) => o.probability!);
  const auc = delongCi(yt, ys);
  const op = youdenThreshold(yt, ys);
  const at = thresholdMetrics(yt, ys, { threshold: op.threshold });
  screens[condition] = trained.model;
  screenMeta.push({
    name: condition,
    classes: ['control', condition],
    negative: 'control',
    positive: condition,
    featureSets: SCREEN_SETS,
    threshold: {
      value: Math.min(1, op.threshold),
      rule: 'Youden optimum of the out-of-fold probabilities (simulated phenotypes)',
    },
    estimator: trained.cv.estimator,
    metrics: {
      auc: {
        estimate: auc.estimate,
        lower: auc.lower,
        upper: auc.upper,
        method: 'DeLong 95% CI, out-of-fold, simulated phenotypes vs the same identities unmodified',
      },
      sensitivity: {
        estimate: at.sensitivity.estimate!,
        lower: at.sensitivity.lower,
        upper: at.sensitivity.upper,
        method: 'Wilson 95% CI at the threshold',
      },
      specificity: {
        estimate: at.specificity.estimate!,
        lower: at.specificity.lower,
        upper: at.specificity.upper,
        method: 'Wilson 95% CI at the threshold',
      },
    },
    file: `screens/${condition}.json`,
  });
  for (const e of extracted) {
    trainingRows.push({ sha256: e.features.sha256, subjectId: e.photo.subjectId, label: e.photo.label });
    byLabel[e.photo.label] = (byLabel[e.photo.label] ?? 0) + 1;
  }
  console.log(
    `screen ${condition}: ${extracted.length} photos, OOF AUC ${auc.estimate.toFixed(3)} (${auc.lower.toFixed(3)}–${auc.upper.toFixed(3)})`,
  );
}

await saveBundle(
  OUT,
  {
    metadata: {
      schemaVersion: 1,
      name: 'endoface-default',
      version: '0.3.0',
      changelog: {
        '0.3.0':
          'candidate feature sets with faceres-lower (FaceRes on the zoomed lower face); each screen keeps the best by out-of-fold AUC',
        '0.2.1':
          "the description names each screen's feature sets (it said faceres + morphometrics + colour for both)",
        '0.2.0':
          'demonstration screens for Cushing-like and acromegaly-like signs, trained on simulated phenotypes',
        '0.1.0': 'normative model over public normal faces',
      },
      task: "normative facial morphometry and skin colour; demonstration screens for Cushing's-like and acromegaly-like signs",
      description: `Normative model of face shape (28 morphometrics), skin colour (12 CIELAB features) and the faceres descriptor over public photos of people without known endocrine disease, by sex and age band; and two logistic screens (${screenMeta.map((m) => `${m.name}: ${m.featureSets.join(' + ')}`).join('; ')}) trained to tell simulated phenotypes (warps and colour changes of real public faces) from the same faces unmodified.`,
      intendedUse:
        'Demonstration and research only: shows the whole system working and how far a face deviates from public normal faces. The screens were trained on SIMULATED signs, not on patients, and say nothing about real disease. Train your own bundle on your own cohort.',
      disclaimer: `${DISCLAIMER} The screens were trained on simulated signs, not on patients.`,
      extractors: extractorVersions(),
      preprocessing: {
        alignment: 'similarity transform of 5 mesh anchors to a 224×224 canonical crop',
        quality: 'normative: quality "pass" only; screens: pass and warn',
      },
      trainingData: {
        description: `normative: ${used.length} normal faces (${Object.entries(bySet)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}); screens: phantoms (simulator ${SIMULATOR_VERSION}) of ${train.length} training identities (half the studio faces, split by identity, and UTKFace adults) with their unmodified photos as controls. UTKFace has no identity labels; a person may appear twice.`,
        sources: Object.values(SOURCES),
        photos: used.length + trainingRows.length,
        subjects: new Set([...used.map((e) => e.photo.subjectId), ...trainingRows.map((r) => r.subjectId)])
          .size,
        byLabel: { normal: used.length, ...byLabel },
        hash: trainingDataHash([
          ...used.map((e) => ({ sha256: e.features.sha256, subjectId: e.photo.subjectId, label: 'normal' })),
          ...trainingRows,
        ]),
        excluded,
      },
      normative: { file: 'normative.json', summary: normative.summary },
      screens: screenMeta,
      createdAt: new Date().toISOString(),
      softwareVersion: SOFTWARE_VERSION,
      files: {},
    },
    normative,
    screens,
  },
  { overwrite: true },
);
console.log(`wrote ${OUT}`);
