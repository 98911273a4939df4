import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeFace } from '../../src/face/index.js';
import { computeMorphometrics, MORPHOMETRICS, MORPHOMETRIC_NAMES } from '../../src/features/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { rotate3, yawRotation } from '../../src/util/rotation3d.js';
import { studioFaces } from '../helpers/data.js';

const faces = studioFaces();

test('at least 20 named morphometrics, each documented with its sign and regions', () => {
  assert.ok(MORPHOMETRICS.length >= 20, `${MORPHOMETRICS.length}`);
  assert.equal(new Set(MORPHOMETRIC_NAMES).size, MORPHOMETRICS.length);
  for (const m of MORPHOMETRICS) {
    assert.ok(m.description.length > 10, m.name);
    assert.ok(m.regions.length > 0 && m.regions.every((r) => REGION_NAMES.includes(r)), m.name);
    assert.ok([m.cushing, m.acromegaly].every((d) => [-1, 0, 1].includes(d)));
  }
  // Every sign of the brief is tracked by at least one measure.
  for (const name of [
    'faceWidthToHeight',
    'noseWidthToInterocular',
    'lipHeightToMouthWidth',
    'lowerFaceHeightToFaceHeight',
    'chinProjection',
    'browRidgeProminence',
  ]) {
    assert.ok(MORPHOMETRIC_NAMES.includes(name), name);
  }
});

test('morphometrics are invariant to scale, translation and head rotation (frontalisation)', async () => {
  const a = await analyzeFace(faces[0].path);
  const mesh = a.primary!.meshPx;
  const base = computeMorphometrics(mesh);
  const moved = mesh.map(([x, y, z]) => [2.5 * x + 40, 2.5 * y - 13, 2.5 * z]);
  const turned = mesh.map((p) => rotate3(yawRotation(25), p));
  for (const variant of [computeMorphometrics(moved), computeMorphometrics(turned)]) {
    variant.forEach((v, i) =>
      assert.ok(
        Math.abs(v - base[i]) <= 1e-9 * Math.max(1, Math.abs(base[i])),
        `${MORPHOMETRIC_NAMES[i]}: ${v} vs ${base[i]}`,
      ),
    );
  }
  // Depth-based measures are withheld when the head is turned beyond 15°.
  const flagged = computeMorphometrics(mesh, { yawDeg: 25, pitchDeg: 0 });
  MORPHOMETRICS.forEach((m, i) => assert.equal(Number.isNaN(flagged[i]), m.poseSensitive, m.name));
});

test('on the 140 studio faces, men have wider jaws and noses relative to face width than women', async () => {
  const idx = (n: string): number => MORPHOMETRIC_NAMES.indexOf(n);
  const by: Record<string, number[][]> = { male: [], female: [] };
  for (const f of faces) {
    const a = await analyzeFace(f.path);
    by[f.sex].push([...computeMorphometrics(a.primary!.meshPx, a.primary!.pose)]);
  }
  const cohenD = (name: string): number => {
    const col = (rows: number[][]): number[] => rows.map((r) => r[idx(name)]);
    const stat = (v: number[]): [number, number] => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return [m, v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)];
    };
    const [mm, vm] = stat(col(by.male));
    const [mf, vf] = stat(col(by.female));
    return (mm - mf) / Math.sqrt((vm + vf) / 2);
  };
  // Sexual dimorphism of the lower face and nose is well documented; measured d ≈ 1.3 and 1.0.
  assert.ok(cohenD('jawAngleWidthToFaceWidth') > 0.8, `jaw d=${cohenD('jawAngleWidthToFaceWidth')}`);
  assert.ok(cohenD('noseWidthToInterocular') > 0.6, `nose d=${cohenD('noseWidthToInterocular')}`);
  assert.ok(cohenD('lowerFaceHeightToFaceHeight') > 0.6);
});
