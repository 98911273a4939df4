import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { isEndofaceError } from '../../src/core/errors.js';
import { analyzeFace, MESH_CONTOURS, type FaceAnalysis } from '../../src/face/index.js';
import { REGION_NAMES, regionLabelMap, type RegionName } from '../../src/face/regions.js';
import { decodeImage, type DecodedImage } from '../../src/image/index.js';
import { SIGN_NAMES, SIGNS, simulatePhenotype, type SignName } from '../../src/simulate/index.js';
import { ellipticRadius, faceFrame, TAPER_END } from '../../src/simulate/frame.js';
import { applyAffine, type Point2 } from '../../src/util/geometry.js';
import { polygonMask } from '../../src/util/raster.js';
import { studioFaces } from '../helpers/data.js';

const face = studioFaces()[30];
let cached: { image: DecodedImage; analysis: FaceAnalysis } | undefined;
async function photo(): Promise<{ image: DecodedImage; analysis: FaceAnalysis }> {
  if (!cached) {
    const image = await decodeImage(face.path);
    cached = { image, analysis: await analyzeFace(image) };
  }
  return cached;
}

const maxAbsDiff = (a: Uint8Array, b: Uint8Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function expectError(code: string, run: () => Promise<unknown>): Promise<void> {
  await assert.rejects(run, (e: unknown) => isEndofaceError(e) && e.code === code);
}

test('severity 0 returns the photo unchanged (within one grey level), for both conditions', async () => {
  const { image, analysis } = await photo();
  for (const condition of ['cushing', 'acromegaly'] as const) {
    const p = await simulatePhenotype(image, { condition, severity: 0, analysis });
    assert.ok(maxAbsDiff(p.image.data, image.data) <= 1, condition);
    assert.deepEqual(p.changes, []);
  }
  // Through the encoder as well: a PNG round trip is lossless.
  const p = await simulatePhenotype(image, { condition: 'cushing', severity: 0, analysis, encode: 'png' });
  const back = await sharp(p.encoded!).raw().toBuffer();
  assert.ok(maxAbsDiff(new Uint8Array(back), image.data) <= 1, 'PNG round trip');
});

test('a seed gives byte-identical phantoms; another seed differs when jitter > 0', async () => {
  const { image, analysis } = await photo();
  const opts = {
    condition: 'acromegaly',
    severity: 0.5,
    jitter: 0.2,
    signMix: 0.3,
    analysis,
    encode: 'jpeg',
  } as const;
  const a = await simulatePhenotype(image, { ...opts, seed: 7 });
  const b = await simulatePhenotype(image, { ...opts, seed: 7 });
  const c = await simulatePhenotype(image, { ...opts, seed: 8 });
  assert.ok(a.encoded!.equals(b.encoded!), 'same seed, same bytes');
  assert.deepEqual(a.magnitudes, b.magnitudes);
  assert.ok(!a.encoded!.equals(c.encoded!), 'another seed, another phantom');
  assert.notEqual(a.severity, c.severity);
  // Without variation the seed has no effect.
  const d = await simulatePhenotype(image, { ...opts, jitter: 0, signMix: 0, seed: 1 });
  const e = await simulatePhenotype(image, { ...opts, jitter: 0, signMix: 0, seed: 2 });
  assert.ok(d.encoded!.equals(e.encoded!), 'no variation, no seed effect');
});

test('at severity 1 the eyes and the background are unchanged and the warp does not fold', async () => {
  const { image, analysis } = await photo();
  const frame = faceFrame(
    analysis.primary!.meshPx,
    analysis.aligned!.cropToPhoto,
    analysis.aligned!.image.width,
  );
  const { width, height } = image;
  const eyes = [MESH_CONTOURS.rightEye, MESH_CONTOURS.leftEye].map((c) =>
    polygonMask(
      width,
      height,
      c.map((i) => [analysis.primary!.meshPx[i][0], analysis.primary!.meshPx[i][1]] as Point2),
    ),
  );
  for (const condition of ['cushing', 'acromegaly'] as const) {
    const p = await simulatePhenotype(image, { condition, severity: 1, analysis });
    assert.equal(p.warpScale, 1, 'no scale-down needed at the catalogue magnitudes');
    assert.ok(p.areaRatio.min > 0.3 && p.areaRatio.max < 3, `area ratio ${JSON.stringify(p.areaRatio)}`);
    let eyePixels = 0;
    let far = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const inEye = eyes[0][i] || eyes[1][i];
        const q = applyAffine(frame.toFace, [x + 0.5, y + 0.5]);
        const outside = ellipticRadius(frame.oval, q[0], q[1]) > TAPER_END;
        if (!inEye && !outside) continue;
        for (let c = 0; c < 3; c++)
          assert.equal(p.image.data[i * 3 + c], image.data[i * 3 + c], `${condition} (${x}, ${y})`);
        if (inEye) eyePixels++;
        else far++;
      }
    }
    assert.ok(eyePixels > 500 && far > 50_000, `${eyePixels} eye pixels, ${far} background pixels checked`);
    // The landmarks the phantom reports for the eyes did not move either.
    for (const i of [...MESH_CONTOURS.rightEye, ...MESH_CONTOURS.leftEye])
      assert.ok(
        Math.hypot(
          p.meshPx[i][0] - analysis.primary!.meshPx[i][0],
          p.meshPx[i][1] - analysis.primary!.meshPx[i][1],
        ) < 1e-9,
      );
  }
});

/**
 * Mean |difference| (grey levels) between photo and phantom per region, sampled at the aligned crop's
 * pixels mapped onto the photo.
 */
function regionDiffs(
  a: FaceAnalysis,
  before: Uint8Array,
  after: Uint8Array,
  width: number,
): Record<RegionName, number> {
  const size = a.aligned!.image.width;
  const labels = regionLabelMap(a.aligned!.meshCrop, size, size);
  const sum = new Float64Array(REGION_NAMES.length);
  const n = new Float64Array(REGION_NAMES.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = labels[y * size + x];
      if (r < 0) continue;
      const [px, py] = applyAffine(a.aligned!.cropToPhoto, [x + 0.5, y + 0.5]).map(Math.floor);
      const o = (py * width + px) * 3;
      for (let c = 0; c < 3; c++) sum[r] += Math.abs(after[o + c] - before[o + c]) / 3;
      n[r]++;
    }
  }
  return Object.fromEntries(REGION_NAMES.map((name, r) => [name, sum[r] / n[r]])) as Record<
    RegionName,
    number
  >;
}

/** Regions well away from each sign's own, where a single-sign phantom must leave the photo alone. */
const UNTOUCHED: Record<SignName, RegionName[]> = {
  nose_widening: [
    'forehead',
    'browRidge',
    'eyeRight',
    'eyeLeft',
    'chin',
    'preauricularRight',
    'preauricularLeft',
  ],
  nose_enlargement: ['forehead', 'browRidge', 'chin', 'preauricularRight', 'preauricularLeft'],
  lip_thickening: ['forehead', 'browRidge', 'eyeRight', 'eyeLeft', 'preauricularRight', 'preauricularLeft'],
  mandible_enlargement: ['forehead', 'browRidge', 'eyeRight', 'eyeLeft', 'nose'],
  brow_prominence: ['nose', 'lips', 'upperLip', 'chin', 'jawRight', 'jawLeft', 'cheekRight', 'cheekLeft'],
  moon_face: ['forehead', 'browRidge', 'nose', 'lips', 'upperLip'],
  plethora: ['forehead', 'browRidge', 'lips', 'chin'],
};

test('single-sign phantoms change their own regions and leave distant ones alone', async () => {
  const { image, analysis } = await photo();
  const report: Record<string, string> = {};
  for (const sign of SIGN_NAMES) {
    const p = await simulatePhenotype(image, {
      condition: SIGNS[sign].condition,
      severity: 1,
      signs: { [sign]: 1 },
      analysis,
    });
    assert.deepEqual(
      p.changes.map((c) => c.sign),
      [sign],
    );
    const diffs = regionDiffs(analysis, image.data, p.image.data, image.width);
    const own = Math.max(...SIGNS[sign].regions.map((r) => diffs[r]));
    report[sign] =
      `own ${own.toFixed(1)}, distant max ${Math.max(...UNTOUCHED[sign].map((r) => diffs[r])).toFixed(2)}`;
    assert.ok(own > 2, `${sign}: its regions changed by only ${own.toFixed(2)} grey levels`);
    for (const r of UNTOUCHED[sign])
      assert.ok(diffs[r] < 0.5, `${sign} changed ${r} by ${diffs[r].toFixed(2)}`);
    const change = p.changes[0];
    if (SIGNS[sign].kind === 'colour') {
      assert.ok(change.colour!.maskAreaPx > 1000, `${sign}: mask area ${change.colour!.maskAreaPx}`);
      assert.equal(change.maxDisplacementPx, 0);
    } else {
      assert.ok(change.maxDisplacementPx > 3, `${sign}: ${change.maxDisplacementPx} px`);
      for (const r of SIGNS[sign].regions) assert.ok(change.byRegion[r], `${sign}: ${r} recorded as changed`);
    }
  }
  console.log('mean |Δ| per region (grey levels):', JSON.stringify(report));
});

test('bad options and faceless photos are refused with reason codes', async () => {
  const { image, analysis } = await photo();
  await expectError('invalid_option', () =>
    simulatePhenotype(image, { condition: 'cushings' as 'cushing', severity: 0.5, analysis }),
  );
  await expectError('invalid_severity', () =>
    simulatePhenotype(image, { condition: 'cushing', severity: 1.5, analysis }),
  );
  await expectError('sign_condition_mismatch', () =>
    simulatePhenotype(image, { condition: 'cushing', severity: 1, signs: { nose_widening: 1 }, analysis }),
  );
  await expectError('invalid_option', () =>
    simulatePhenotype(image, { condition: 'cushing', severity: 1, signs: { moon: 1 } as never, analysis }),
  );
  const blank = await sharp({ create: { width: 320, height: 320, channels: 3, background: '#888' } })
    .png()
    .toBuffer();
  await expectError('no_face', () => simulatePhenotype(blank, { condition: 'acromegaly', severity: 1 }));
});
