import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainTarget } from '../../src/explain/index.js';
import {
  attributeRegions,
  deletionCurve,
  importanceVector,
  inpaintMasked,
  logitImportance,
  meanFaceDetail,
  modelRandomisationTest,
  neutraliseHandCrafted,
  occlusionMap,
  perturbedFeatureRows,
  prepareFace,
  regionCoverage,
  regionPerturbations,
  regionsMask,
} from '../../src/explain/engine/index.js';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { COLOUR_FEATURES, extractFeatures, MORPHOMETRICS } from '../../src/features/index.js';
import { featureMatrix, matrixColumns, predictWithPipeline } from '../../src/model/index.js';
import { dataPath } from '../helpers/data.js';
import { craftedBundle, randomWeights } from './helpers.js';

const PHOTO = dataPath('webmorph-canada', 'images', '003f.jpg');
const analysis = analyzeFace(PHOTO);
const NOSE = REGION_NAMES.indexOf('nose');
const CHEEKS = [REGION_NAMES.indexOf('cheekRight'), REGION_NAMES.indexOf('cheekLeft')];

test('a screen weighing one nose measurement credits the nose alone, with the sign of its deviation', async () => {
  assert.deepEqual(MORPHOMETRICS.find((m) => m.name === 'noseWidthToInterocular')?.regions, ['nose']);
  const a = await analysis;
  const column = 'morphometrics.noseWidthToInterocular';
  const probe = await prepareFace(
    craftedBundle(['morphometrics'], { [column]: 1 }),
    explainTarget(craftedBundle(['morphometrics'], { [column]: 1 })),
    a,
  );
  const x =
    probe.features.morphometrics![MORPHOMETRICS.findIndex((m) => m.name === 'noseWidthToInterocular')];
  // The training mean (the reference when a bundle has no normative model) sits below this face's
  // value, so the measurement pushes towards "case" and masking the nose must lower the score.
  const bundle = craftedBundle(['morphometrics'], { [column]: 8 }, { means: { [column]: x - 0.1 } });
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, a);
  assert.equal(face.reference.source, 'training-mean');
  const { attribution } = await attributeRegions(target, face);
  const v = importanceVector(attribution);
  assert.ok(v[NOSE] > 0.1, `nose importance ${v[NOSE]}`);
  v.forEach((imp, r) => r !== NOSE && assert.equal(imp, 0, `${REGION_NAMES[r]} has importance ${imp}`));
  assert.equal(attribution.regions[0].region, 'nose');
  assert.equal(attribution.regions[0].rank, 1);
  // Only the nose matters, so masking everything removes exactly what masking the nose removes.
  assert.ok(Math.abs(attribution.together.explained - v[NOSE]) < 1e-12);
  assert.ok(Math.abs(attribution.together.sumOfImportances - v[NOSE]) < 1e-12);
  // The masked score is the score at the reference value: σ(8·(ref − ref)) = 0.5.
  assert.ok(Math.abs(attribution.regions[0].maskedScore - 0.5) < 1e-9);
  // Every other region is worth 0, so the nose leads by its own logit importance.
  const noseLogit = logitImportance(attribution.score, attribution.regions[0].maskedScore);
  assert.ok(Math.abs(attribution.lead.logit - noseLogit) < 1e-12 && noseLogit > 0);
  assert.notEqual(attribution.lead.over, 'nose');
  // σ(8 · 0.1): the nose's logit importance is 0.8, short of decisive; 40 · 0.1 = 4 logits is decisive.
  assert.ok(Math.abs(noseLogit - 0.8) < 1e-9, `nose ${noseLogit}`);
  assert.equal(attribution.lead.decisive, false);
  const strong = craftedBundle(['morphometrics'], { [column]: 40 }, { means: { [column]: x - 0.1 } });
  const strongTarget = explainTarget(strong);
  const clear = await attributeRegions(strongTarget, await prepareFace(strong, strongTarget, a));
  assert.ok(Math.abs(clear.attribution.lead.logit - 4) < 1e-6, `${clear.attribution.lead.logit}`);
  assert.equal(clear.attribution.lead.decisive, true);
  assert.equal(clear.attribution.lead.note, undefined);
  // The same screen calibrated by isotonic regression: stepped scores, no lead is read.
  const stepped = structuredClone(strong);
  stepped.screens.crafted.calibrator = { method: 'isotonic', maps: [{ x: [-1, 0, 1], y: [0, 0.5, 1] }] };
  const steppedTarget = explainTarget(stepped);
  const s = await attributeRegions(steppedTarget, await prepareFace(stepped, steppedTarget, a));
  assert.equal(s.attribution.lead.decisive, false);
  assert.match(s.attribution.lead.note ?? '', /isotonic/);
  // Below the reference, the sign flips.
  const low = craftedBundle(['morphometrics'], { [column]: 8 }, { means: { [column]: x + 0.1 } });
  const lowTarget = explainTarget(low);
  const flipped = await attributeRegions(lowTarget, await prepareFace(low, lowTarget, a));
  assert.ok(importanceVector(flipped.attribution)[NOSE] < -0.1);
});

test('a measurement shared by k regions is moved 1/k of the way per region, so the credit is split, not copied', async () => {
  const a = await analysis;
  const column = 'morphometrics.jawAngleWidthToFaceWidth'; // regions: jawRight, jawLeft
  const probe = craftedBundle(['morphometrics'], { [column]: 1 });
  const x = (await prepareFace(probe, explainTarget(probe), a)).features.morphometrics![
    MORPHOMETRICS.findIndex((m) => m.name === 'jawAngleWidthToFaceWidth')
  ];
  // A linear score (no saturation): the two halves add up to the whole.
  const bundle = craftedBundle(['morphometrics'], { [column]: 0.2 }, { means: { [column]: x - 0.05 } });
  const target = explainTarget(bundle);
  const { attribution } = await attributeRegions(target, await prepareFace(bundle, target, a));
  const v = importanceVector(attribution);
  const [jr, jl] = [REGION_NAMES.indexOf('jawRight'), REGION_NAMES.indexOf('jawLeft')];
  assert.ok(Math.abs(v[jr] - v[jl]) < 1e-12 && v[jr] > 0);
  assert.ok(Math.abs(v[jr] + v[jl] - attribution.together.explained) < 1e-4, 'halves sum to the whole');
});

test('colour features are neutralised per region: a cheek-redness screen credits both cheeks equally, nothing else', async () => {
  const a = await analysis;
  const bundle = craftedBundle(
    ['morphometrics', 'colour'],
    { 'colour.cheekA': 0.3 },
    { means: { 'colour.cheekA': 0 } },
  );
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, a);
  const { attribution } = await attributeRegions(target, face);
  const v = importanceVector(attribution);
  // cheekA is listed under both cheeks: masking one moves it half way to the reference (the training mean, 0 here).
  assert.ok(
    v[CHEEKS[0]] > 0 && Math.abs(v[CHEEKS[0]] - v[CHEEKS[1]]) < 1e-12,
    `${v[CHEEKS[0]]} vs ${v[CHEEKS[1]]}`,
  );
  v.forEach(
    (imp, r) => !CHEEKS.includes(r) && assert.equal(imp, 0, `${REGION_NAMES[r]} has importance ${imp}`),
  );
  // The cheeks tie for first; the lead is over the best region that is not a cheek (worth 0).
  assert.ok(!['cheekRight', 'cheekLeft'].includes(attribution.lead.over));
  const cheek = attribution.regions[0];
  assert.ok(Math.abs(attribution.lead.logit - logitImportance(attribution.score, cheek.maskedScore)) < 1e-12);
  assert.ok(
    Math.abs(attribution.together.allMaskedScore - 0.5) < 1e-12,
    'all masked: cheekA at the reference',
  );
  // The same score as predict: the unmasked row equals the extracted features.
  const f = await extractFeatures(PHOTO, { sets: ['morphometrics', 'colour'] });
  const p = predictWithPipeline(
    bundle.screens.crafted,
    featureMatrix([f], ['morphometrics', 'colour']),
    matrixColumns(['morphometrics', 'colour']),
  );
  assert.ok(Math.abs(p[0] - attribution.score) < 1e-12, `${p[0]} vs ${attribution.score}`);
});

test('hand-crafted masking replays from saved coverages: neutraliseHandCrafted gives the rows the explainer scores', async () => {
  const a = await analysis;
  const bundle = craftedBundle(['morphometrics', 'colour'], { 'colour.cheekA': 0.3 });
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, a);
  const perturbations = regionPerturbations(face);
  const rows = await perturbedFeatureRows(target, face, perturbations);
  const nm = MORPHOMETRICS.length;
  let moved = 0;
  perturbations.forEach((p, k) => {
    const coverage = p === null ? null : regionCoverage(face, p.mask);
    const morph = neutraliseHandCrafted(
      'morphometrics',
      face.features.morphometrics!,
      face.reference.morphometrics,
      coverage,
    );
    const colour = neutraliseHandCrafted('colour', face.features.colour!, face.reference.colour, coverage);
    const row = rows.data.subarray(k * rows.cols, (k + 1) * rows.cols);
    assert.deepEqual([...row], [...morph, ...colour], `perturbation ${k}`);
    moved += morph.filter((x, j) => x !== face.features.morphometrics![j]).length;
  });
  assert.ok(moved > nm, 'masking moved the morphometrics');
  // A colour feature of two regions, one of them fully hidden: half way to its reference.
  const j = COLOUR_FEATURES.findIndex((f) => f.regions.length === 2);
  const r = REGION_NAMES.indexOf(COLOUR_FEATURES[j].regions[0]);
  const coverage = REGION_NAMES.map((_, i) => (i === r ? 1 : 0));
  const x = face.features.colour!;
  const ref = face.reference.colour;
  const half = neutraliseHandCrafted('colour', x, ref, coverage)[j];
  assert.ok(Math.abs(half - (x[j] + ref[j]) / 2) < 1e-12, `${half} vs ${(x[j] + ref[j]) / 2}`);
  // Replayed against another reference (another split's normal faces), it moves towards that one.
  const other = Float64Array.from(ref, (v) => v + 1);
  const towardsOther = neutraliseHandCrafted('colour', x, other, coverage)[j];
  assert.ok(Math.abs(towardsOther - (x[j] + other[j]) / 2) < 1e-12, `${towardsOther}`);
  assert.equal(neutraliseHandCrafted('colour', x, ref, null), x, 'unmasked: the original');
});

test('the occlusion map of a nose-only screen is hot on the nose and zero far from it', async () => {
  const a = await analysis;
  const column = 'morphometrics.noseLengthToFaceHeight';
  const probe = craftedBundle(['morphometrics'], { [column]: 1 });
  const x = (await prepareFace(probe, explainTarget(probe), a)).features.morphometrics![
    MORPHOMETRICS.findIndex((m) => m.name === 'noseLengthToFaceHeight')
  ];
  const bundle = craftedBundle(['morphometrics'], { [column]: 30 }, { means: { [column]: x - 0.05 } });
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, a);
  const map = await occlusionMap(target, face, 'coarse');
  assert.equal(map.values.length, 49);
  const hottest = map.values.indexOf(Math.max(...map.values));
  const [row, col] = [Math.floor(hottest / 7), hottest % 7];
  const nose = a.aligned!.meshCrop[1]; // nose tip
  assert.equal(col, Math.floor((nose[0] / 224) * 7));
  assert.ok(Math.abs(row - Math.floor((nose[1] / 224) * 7)) <= 1, `row ${row}`);
  assert.equal(map.values[0], 0, 'the top-left corner holds no nose');
});

test('sanity: randomising the final layer changes the ranking; the deletion curve starts at the score and ends all-masked', async () => {
  const a = await analysis;
  const sets = ['morphometrics', 'colour'] as const;
  const bundle = craftedBundle([...sets], randomWeights([...sets], 7, 0.5));
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, a);
  const { attribution, rows } = await attributeRegions(target, face);
  const same = modelRandomisationTest(target, face, attribution, rows, { draws: 0 });
  assert.equal(same.meanSpearman, null);
  const randomised = modelRandomisationTest(target, face, attribution, rows, { draws: 8, seed: 3 });
  assert.equal(randomised.spearman.length, 8);
  assert.ok(
    randomised.meanSpearman !== null && randomised.meanSpearman < 0.5,
    `mean ρ ${randomised.meanSpearman}`,
  );
  assert.ok(randomised.passed);
  const curve = await deletionCurve(target, face, attribution, { randomOrders: 2, seed: 5 });
  assert.equal(curve.mostImportantFirst.length, REGION_NAMES.length + 1);
  assert.equal(curve.mostImportantFirst[0], attribution.score);
  assert.equal(curve.mostImportantFirst[1], attribution.regions[0].maskedScore);
  assert.equal(curve.mostImportantFirst.at(-1), attribution.together.allMaskedScore);
  assert.equal(curve.random.at(-1), attribution.together.allMaskedScore);
  assert.deepEqual(
    curve.order,
    attribution.regions.map((r) => r.region),
  );
});

test('the fill repaints the hidden pixels with the surrounding colour and leaves the rest untouched', async () => {
  const a = await analysis;
  const bundle = craftedBundle(['morphometrics'], {});
  const face = await prepareFace(bundle, explainTarget(bundle), a);
  const mask = regionsMask(face, CHEEKS);
  const filled = inpaintMasked(face.aligned.image, mask, face.faceMask, face.fill);
  let changed = 0;
  for (let i = 0; i < mask.length; i++) {
    for (let c = 0; c < 3; c++) {
      const before = face.aligned.image.data[3 * i + c];
      const after = filled.data[3 * i + c];
      if (!mask[i]) assert.equal(after, before);
      else if (after !== before) changed++;
    }
  }
  assert.ok(changed > 0);
  // A two-colour image: a hole inside the red half is filled red.
  const w = 64;
  const img = { width: w, height: w, data: new Uint8Array(w * w * 3) };
  for (let i = 0; i < w * w; i++) img.data.set(i % w < w / 2 ? [200, 40, 40] : [40, 40, 200], 3 * i);
  const hole = new Uint8Array(w * w);
  for (let y = 20; y < 30; y++) for (let x = 8; x < 18; x++) hole[y * w + x] = 1;
  const out = inpaintMasked(img, hole, undefined, { sigmaPx: 3 });
  const centre = 3 * (25 * w + 13);
  assert.deepEqual([...out.data.subarray(centre, centre + 3)], [200, 40, 40]);
});

test("the mean face lends its fine detail to the fill: the face's own colour, average eyes", async () => {
  const detail = await meanFaceDetail(224, 11.2);
  const band = (y0: number, y1: number): number => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let x = 70; x < 154; x++) s += Math.abs(detail[3 * (y * 224 + x)]);
    return s;
  };
  // Eyes (y ≈ 0.40 of the crop) carry far more detail than the smooth mid-forehead (y ≈ 0.27).
  assert.ok(band(84, 96) > 2 * band(56, 66), `${band(84, 96)} vs ${band(56, 66)}`);
  const w = 224;
  const grey = { width: w, height: w, data: new Uint8Array(w * w * 3).fill(120) };
  const all = new Uint8Array(w * w).fill(1);
  const filled = inpaintMasked(grey, all, undefined, { sigmaPx: 11.2, detail, fallback: [120, 120, 120] });
  for (const i of [0, 90 * w + 80, 150 * w + 112]) {
    const expected = Math.max(0, Math.min(255, Math.round(120 + detail[3 * i])));
    assert.equal(filled.data[3 * i], expected);
  }
});
