import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createExplainer, explainTarget, regionMethodFor } from '../../src/explain/index.js';
import {
  attributeRegions,
  deletionCurve,
  logitImportance,
  modelRandomisationTest,
  prepareFace,
} from '../../src/explain/engine/index.js';
import {
  layerActivations,
  networkLabels,
  OCCLUSION_LAYERS,
} from '../../src/explain/engine/feature-occlusion.js';
import {
  parseLayerReference,
  serializeLayerReference,
  shippedLayerReference,
  type LayerReference,
} from '../../src/explain/engine/layer-reference.js';
import { analyzeFace } from '../../src/face/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { LOWER_FACE_BOX } from '../../src/features/descriptors.js';
import { MORPHOMETRICS } from '../../src/features/index.js';
import { matrixColumns } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { dataPath } from '../helpers/data.js';
import { craftedBundle, randomWeights } from './helpers.js';

const PHOTO = dataPath('webmorph-canada', 'images', '003f.jpg');
const NORMALS = ['008f.jpg', '010f.jpg', '019f.jpg'].map((f) => dataPath('webmorph-canada', 'images', f));
const SETS = ['faceres', 'morphometrics'] as const;
/** A screen reading FaceRes and one nose measurement, every weight known. */
const bundle = craftedBundle([...SETS], {
  ...Object.fromEntries(Object.entries(randomWeights(['faceres'], 7, 0.2))),
  'morphometrics.noseWidthToInterocular': 2,
});
const byRegion = (a: { regions: { region: string; maskedScore: number }[] }) =>
  new Map(a.regions.map((r) => [r.region, r.maskedScore]));

test('feature occlusion: towards the face’s own map nothing moves; hand-crafted features are hidden as pixel masking hides them', async () => {
  const target = explainTarget(bundle);
  const a = await analyzeFace(PHOTO);
  const face = await prepareFace(bundle, target, a);
  const [own] = await layerActivations('faceres', [face.aligned.image]);
  const self: LayerReference = {
    method: 'mean-layer-map',
    source: 'this face',
    n: 1,
    maps: { faceres: own },
  };
  // Only the nose measurement can move the score when the network's regions go to its own map.
  const { attribution, rowSets } = await attributeRegions(target, face, undefined, {
    method: 'feature',
    layerReference: self,
  });
  assert.equal(attribution.method, 'feature-occlusion');
  assert.deepEqual(attribution.layerReference, { source: 'this face', n: 1 });
  assert.equal(rowSets.pixel, undefined);
  for (const r of attribution.regions) {
    if (r.region === 'nose') assert.ok(Math.abs(r.importance) > 1e-3, `nose ${r.importance}`);
    else assert.ok(Math.abs(r.importance) < 1e-4, `${r.region} ${r.importance}`);
  }
  // The same hand-crafted rows as pixel masking; other descriptor rows.
  const pixel = await attributeRegions(target, face);
  const columns = matrixColumns([...SETS]);
  const morph = columns.indexOf(`morphometrics.${MORPHOMETRICS[0].name}`);
  const f = rowSets.feature!;
  for (let i = 0; i < f.rows; i++)
    for (let j = morph; j < f.cols; j++)
      assert.equal(f.data[i * f.cols + j], pixel.rows.data[i * f.cols + j]);
  assert.notDeepEqual(f.data.subarray(f.cols, 2 * f.cols), pixel.rows.data.subarray(f.cols, 2 * f.cols));
});

test('the other FaceRes networks: towards their own map nothing moves; the lower-face one ignores the regions outside its box', async () => {
  const a = await analyzeFace(PHOTO);
  for (const id of ['faceres-deep', 'faceres-lower'] as const) {
    const crafted = craftedBundle([id], randomWeights([id], 11, 0.2));
    const target = explainTarget(crafted);
    const face = await prepareFace(crafted, target, a);
    const [own] = await layerActivations(id, [face.aligned.image]);
    const self: LayerReference = { method: 'mean-layer-map', source: 'self', n: 1, maps: { [id]: own } };
    const still = await attributeRegions(target, face, undefined, {
      method: 'feature',
      layerReference: self,
    });
    for (const r of still.attribution.regions) assert.ok(Math.abs(r.importance) < 1e-4, `${id} ${r.region}`);
    const moved = await attributeRegions(target, face, undefined, {
      method: 'feature',
      layerReference: shippedLayerReference(),
    });
    const importance = new Map(moved.attribution.regions.map((r) => [r.region, r.importance]));
    assert.ok(Math.abs(importance.get('lips')!) > 1e-4, `${id} lips ${importance.get('lips')}`);
    // The lower face's box starts below the eyes: the forehead and brows are not in what it sees.
    if (id === 'faceres-lower')
      for (const r of ['forehead', 'browRidge'] as const) assert.equal(importance.get(r), 0, `${id} ${r}`);
    else assert.notEqual(importance.get('forehead'), 0);
  }
});

test('combined averages the two methods’ logit importances; sanity checks run on it; the deletion curve masks pixels', async () => {
  const target = explainTarget(bundle);
  const face = await prepareFace(bundle, target, await analyzeFace(PHOTO));
  const layerReference = shippedLayerReference();
  const pixel = (await attributeRegions(target, face)).attribution;
  const feature = (await attributeRegions(target, face, undefined, { method: 'feature', layerReference }))
    .attribution;
  const both = await attributeRegions(target, face, undefined, { method: 'combined', layerReference });
  const c = both.attribution;
  assert.equal(c.method, 'region-masking+feature-occlusion');
  const [p, f, m] = [byRegion(pixel), byRegion(feature), byRegion(c)];
  for (const region of REGION_NAMES) {
    const want = (logitImportance(c.score, p.get(region)!) + logitImportance(c.score, f.get(region)!)) / 2;
    const got = logitImportance(c.score, m.get(region)!);
    assert.ok(Math.abs(got - want) < 1e-9, `${region}: ${got} vs ${want}`);
  }
  const all = (x: typeof c) => logitImportance(c.score, x.together.allMaskedScore);
  assert.ok(Math.abs(all(c) - (all(pixel) + all(feature)) / 2) < 1e-9);
  // The feature ranking differs from the pixel one somewhere (a different way of hiding).
  assert.notDeepEqual(
    feature.regions.map((r) => r.region),
    pixel.regions.map((r) => r.region),
  );
  const randomised = modelRandomisationTest(target, face, c, both.rowSets, { draws: 4, seed: 2 });
  assert.equal(randomised.spearman.length, 4);
  assert.ok(
    randomised.meanSpearman !== null && randomised.meanSpearman < 0.9,
    String(randomised.meanSpearman),
  );
  // Removing every region by pixel masking ends where pixel masking's "all regions" ends.
  const curve = await deletionCurve(target, face, c);
  assert.equal(curve.mostImportantFirst.length, REGION_NAMES.length + 1);
  assert.ok(Math.abs(curve.mostImportantFirst.at(-1)! - pixel.together.allMaskedScore) < 1e-9);
  assert.ok(Math.abs(curve.mostImportantFirst[1] - p.get(c.regions[0].region)!) < 1e-9);
});

test('region methods are refused where they cannot work', () => {
  const target = explainTarget(bundle);
  // By default: combined where a FaceRes network can be occluded, pixel masking elsewhere.
  assert.equal(regionMethodFor(target), 'combined');
  assert.throws(() => regionMethodFor(target, 'features'), /invalid_option|did you mean "feature"/);
  const morph = explainTarget(
    craftedBundle(['morphometrics'], { 'morphometrics.noseWidthToInterocular': 1 }),
  );
  assert.equal(regionMethodFor(morph), 'pixel');
  const isotonic = {
    ...target,
    pipeline: Object.assign(Object.create(target.pipeline), { calibrator: { method: 'isotonic' } }),
  };
  assert.equal(regionMethodFor(isotonic), 'pixel');
  assert.throws(() => regionMethodFor(isotonic, 'combined'), /isotonic regression/);
  assert.equal(regionMethodFor(isotonic, 'feature'), 'feature');
  assert.throws(
    () => regionMethodFor(morph, 'combined'),
    (e: { code?: string; message: string }) =>
      e.code === 'unsupported_feature_set' && /has none \(morphometrics\)/.test(e.message),
  );
});

test('the lower-face network sees the crop’s box: its labels are cut exactly there', () => {
  const [w, h] = [224, 224];
  const labels = Int8Array.from({ length: w * h }, (_, i) => ((i % w) + Math.floor(i / w)) % 14);
  const cut = networkLabels('faceres-lower', labels, w, h);
  const [top, left] = [Math.round(LOWER_FACE_BOX[0] * h), Math.round(LOWER_FACE_BOX[1] * w)];
  assert.equal(cut.width, Math.round(LOWER_FACE_BOX[3] * w) - left);
  assert.equal(cut.height, h - top);
  for (const [x, y] of [
    [0, 0],
    [cut.width - 1, cut.height - 1],
    [17, 40],
  ])
    assert.equal(cut.labels[y * cut.width + x], labels[(y + top) * w + x + left]);
  assert.equal(networkLabels('faceres', labels, w, h).labels, labels);
});

test('a mean feature map survives JSON and a damaged one is refused; the shipped one covers every network', () => {
  const shipped = shippedLayerReference();
  assert.equal(shipped.n, 140);
  assert.match(shipped.licence!, /CC BY 4\.0/);
  for (const [id, layer] of Object.entries(OCCLUSION_LAYERS)) {
    const map = shipped.maps[id as keyof typeof OCCLUSION_LAYERS]!;
    assert.equal(map.length, layer.grid * layer.grid * layer.channels, id);
    assert.ok(map.some((v) => v > 0) && map.every((v) => v >= 0 && v <= 6), `${id}: ReLU6 outputs`);
  }
  const json = JSON.parse(JSON.stringify(serializeLayerReference(shipped)));
  const back = parseLayerReference(json);
  assert.deepEqual(back.maps.faceres, shipped.maps.faceres);
  const short = { ...json, maps: { faceres: { ...json.maps.faceres, float32: 'AAAA' } } };
  assert.throws(() => parseLayerReference(short), /faceres's map has 3 bytes, not 401408/);
  const wrongLayer = { ...json, maps: { faceres: { ...json.maps.faceres, node: 'conv_pw_5' } } };
  assert.throws(() => parseLayerReference(wrongLayer), /of layer conv_pw_5/);
  assert.throws(() => parseLayerReference({ ...json, maps: { mobilefacenet: {} } }), /no occlusion layer/);
  assert.throws(() => parseLayerReference({ method: 'x' }), /not a mean feature map/);
  const otherModel = { ...json, maps: { faceres: { ...json.maps.faceres, model: 'faceres+human@0.1' } } };
  assert.throws(() => parseLayerReference(otherModel), /measured with faceres\+human@0\.1, not faceres\+/);
});

test('a feature-occlusion baseline carries its normal faces’ map; a pixel baseline is refused for it', async () => {
  const feature = await createExplainer({
    model: bundle,
    regionMethod: 'feature',
    heatmap: 'none',
    saliency: false,
    sanity: false,
    workers: 0,
  });
  const steps: number[] = [];
  // A photo without a face among the normals: left out of both passes, with its reason.
  const blank = join(await mkdtemp(join(tmpdir(), 'endoface-feature-baseline-')), 'blank.png');
  await sharp({ create: { width: 320, height: 400, channels: 3, background: '#9a8070' } })
    .png()
    .toFile(blank);
  const { baseline, failed } = await feature.measureBaseline(
    [...NORMALS, blank].map((file) => ({ file })),
    (done) => steps.push(done),
  );
  assert.deepEqual(
    failed.map((f) => [f.file, f.code]),
    [[blank, 'no_face']],
  );
  // Two steps a photo: the maps first, then the attributions of the photos that had a face.
  assert.deepEqual(steps, [0, 1, 2, 3, 4, 5, 6, 8]);
  assert.equal(baseline.regionMethod, 'feature');
  const own = parseLayerReference(baseline.layerReference);
  assert.equal(own.n, 3);
  const maps = await layerActivations(
    'faceres',
    await Promise.all(NORMALS.map(async (f) => (await analyzeFace(f)).aligned!.image)),
  );
  const i = 12_345;
  assert.ok(Math.abs(own.maps.faceres![i] - (maps[0][i] + maps[1][i] + maps[2][i]) / 3) < 1e-5);
  // Without the baseline: the shipped map; with it: the baseline's own.
  const before = (await feature.explain(PHOTO)).explanation;
  assert.equal(before.regions.layerReference?.n, 140);
  assert.equal(before.masking.regionMethod, 'feature');
  feature.useBaseline(baseline);
  const after = (await feature.explain(PHOTO)).explanation;
  assert.equal(after.regions.layerReference?.n, 3);
  assert.equal(after.regions.rankedBy, 'contrast');

  const pixel = await createExplainer({
    model: bundle,
    regionMethod: 'pixel',
    heatmap: 'none',
    saliency: false,
    sanity: false,
    workers: 0,
  });
  const pixelBaseline = (await pixel.measureBaseline([{ file: NORMALS[0] }])).baseline;
  assert.equal(pixelBaseline.layerReference, undefined);
  assert.throws(
    () => feature.useBaseline(pixelBaseline),
    /region method pixel, not .*region method feature; explain with `regionMethod` pixel/,
  );
  // A feature baseline must bring its map, and then no other map may be given.
  const { layerReference: _dropped, ...mapless } = baseline;
  assert.throws(() => feature.useBaseline(mapless), /has no mean feature map/);
  const explicit = await createExplainer({
    model: bundle,
    regionMethod: 'feature',
    layerReference: shippedLayerReference(),
    workers: 0,
  });
  assert.throws(() => explicit.useBaseline(baseline), /give the baseline or layerReference, not both/);
  await explicit.dispose();
  // The default explainer of a FaceRes screen combines both, towards the shipped map.
  const auto = await createExplainer({
    model: bundle,
    heatmap: 'none',
    saliency: false,
    sanity: false,
    workers: 0,
  });
  const e = (await auto.explain(PHOTO)).explanation;
  assert.equal(e.masking.regionMethod, 'combined');
  assert.equal(e.regions.method, 'region-masking+feature-occlusion');
  assert.equal(e.regions.layerReference?.n, 140);
  await Promise.all([feature.dispose(), pixel.dispose(), auto.dispose()]);
});

test('endoface explain on the default acromegaly screen combines both methods by default, occluding all three FaceRes networks', async () => {
  const out = await mkdtemp(join(tmpdir(), 'endoface-region-method-'));
  const r = runCli([
    'explain',
    '-m',
    'models/default',
    '--screen',
    'acromegaly',
    'examples/male_alex.jpg',
    '-o',
    out,
    '--no-heatmap',
    '--no-saliency',
    '--workers',
    '0',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /regions hidden by combined: regions of faceres, faceres-deep, faceres-lower occluded inside/,
  );
  const e = JSON.parse(await readFile(join(out, 'male_alex.json'), 'utf8'));
  assert.equal(e.masking.regionMethod, 'combined');
  assert.equal(e.regions.method, 'region-masking+feature-occlusion');
  assert.equal(e.regions.layerReference.n, 140);
  assert.equal(e.regions.regions.length, REGION_NAMES.length);
  assert.equal(e.sanity.deletion.mostImportantFirst.length, REGION_NAMES.length + 1);
});
