/**
 * Rebuilds models/default/ deterministically from ../shared/data: the normative model over public
 * normal faces (studio sets + a sex × age-band sample of UTKFace adults, quality `pass` only).
 * Usage: npx tsx scripts/build-default-model.ts
 */
import { extractorVersions } from '../src/features/index.js';
import {
  ageBandOf,
  DISCLAIMER,
  fitNormativeModel,
  saveBundle,
  trainingDataHash,
  type NormativeSample,
} from '../src/model/index.js';
import { SOFTWARE_VERSION } from '../src/version.js';
import { extractCohort } from './lib/extract-cohort.js';
import { SOURCES, studioPhotos, utkPhotos } from './lib/public-data.js';

const OUT = 'models/default';

const photos = [
  ...studioPhotos(),
  ...utkPhotos({
    filter: (p) => (p.age ?? 0) >= 18,
    stratum: (p) => `${p.sex}|${ageBandOf(p.age)}`,
    perStratum: 150,
  }),
];
console.log(`normative model: ${photos.length} candidate photos`);
const extracted = await extractCohort(photos, ['morphometrics', 'colour', 'faceres'], { label: 'normative' });
const used = extracted.filter((e) => e.features.quality.status === 'pass');
const excluded: Record<string, number> = {};
for (const e of extracted) {
  if (e.features.quality.status === 'pass') continue;
  const reason = e.features.quality.reasons.map((r) => r.code).join('+') || e.features.quality.status;
  excluded[`${e.features.quality.status}:${reason}`] =
    (excluded[`${e.features.quality.status}:${reason}`] ?? 0) + 1;
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

await saveBundle(
  OUT,
  {
    metadata: {
      schemaVersion: 1,
      name: 'endoface-default',
      version: '0.1.0',
      changelog: { '0.1.0': 'normative model over public normal faces' },
      task: 'normative facial morphometry and skin colour; screens for Cushing-like and acromegaly-like signs',
      description:
        'Normative model of face shape (28 morphometrics), skin colour (12 CIELAB features) and the faceres descriptor over public photos of people without known endocrine disease, by sex and age band.',
      intendedUse:
        'Research and demonstration: shows how far a face deviates from public normal faces, per feature and region. Not validated on patients.',
      disclaimer: DISCLAIMER,
      extractors: extractorVersions(),
      preprocessing: {
        alignment: 'similarity transform of 5 mesh anchors to a 224×224 canonical crop',
        quality: 'photos with quality "pass" only',
      },
      trainingData: {
        description: `${used.length} normal faces: ${Object.entries(bySet)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}. UTKFace has no identity labels; a person may appear twice.`,
        sources: Object.keys(bySet).map((k) => SOURCES[k as keyof typeof SOURCES]),
        photos: used.length,
        subjects: new Set(used.map((e) => e.photo.subjectId)).size,
        byLabel: { normal: used.length },
        hash: trainingDataHash(
          used.map((e) => ({ sha256: e.features.sha256, subjectId: e.photo.subjectId, label: 'normal' })),
        ),
        excluded,
      },
      normative: { file: 'normative.json', summary: normative.summary },
      screens: [],
      createdAt: new Date().toISOString(),
      softwareVersion: SOFTWARE_VERSION,
      files: {},
    },
    normative,
    screens: {},
  },
  { overwrite: true },
);
console.log(`wrote ${OUT}: ${used.length} faces`, normative.summary);
