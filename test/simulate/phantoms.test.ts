import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeFace, type FaceAnalysis } from '../../src/face/index.js';
import { regionLabelMap, REGION_NAMES } from '../../src/face/regions.js';
import { computeMorphometrics, MORPHOMETRIC_NAMES, MORPHOMETRICS } from '../../src/features/morphometrics.js';
import { decodeImage, type DecodedImage } from '../../src/image/index.js';
import { SIGN_NAMES, SIGNS, simulatePhenotype, type SignName } from '../../src/simulate/index.js';
import { srgbToLab } from '../../src/util/colour.js';
import { studioFaces } from '../helpers/data.js';

/** Five studio faces spread over both sets (3DSK 0, 30, 70; Canada 0, 39). */
const FACES = [0, 30, 70, 100, 139].map((i) => studioFaces()[i]);
const SEVERITIES = [0, 0.3, 0.6, 1];

const loaded = new Map<string, { image: DecodedImage; analysis: FaceAnalysis }>();
async function load(path: string): Promise<{ image: DecodedImage; analysis: FaceAnalysis }> {
  if (!loaded.has(path)) {
    const image = await decodeImage(path);
    loaded.set(path, { image, analysis: await analyzeFace(image) });
  }
  return loaded.get(path)!;
}

const morph = (name: string, values: Float64Array): number => values[MORPHOMETRIC_NAMES.indexOf(name)];
const pct = (v: number, base: number): string => `${((v / base - 1) * 100).toFixed(1)}%`;

test('each sign moves the morphometrics it targets, monotonically, on the landmarks it moved', async () => {
  for (const sign of SIGN_NAMES) {
    for (const m of SIGNS[sign].morphometrics) {
      const declared = MORPHOMETRICS.find((d) => d.name === m.name);
      assert.ok(declared, `${sign}: unknown morphometric ${m.name}`);
      assert.equal(m.direction, declared[SIGNS[sign].condition], `${sign}: ${m.name} direction`);
    }
  }
  const report: Record<string, string[]> = {};
  for (const face of FACES.slice(0, 3)) {
    const { image, analysis } = await load(face.path);
    for (const sign of SIGN_NAMES.filter((s) => SIGNS[s].morphometrics.length > 0)) {
      const series = [];
      for (const severity of SEVERITIES) {
        const p = await simulatePhenotype(image, {
          condition: SIGNS[sign].condition,
          severity,
          signs: { [sign]: 1 },
          analysis,
        });
        series.push(computeMorphometrics(p.meshPx, analysis.primary!.pose));
      }
      for (const { name, direction } of SIGNS[sign].morphometrics) {
        const v = series.map((s) => morph(name, s));
        (report[`${sign}.${name}`] ??= []).push(pct(v[3], v[0]));
        for (let k = 1; k < v.length; k++)
          assert.ok(
            (v[k] - v[k - 1]) * direction > 0,
            `${face.file} ${sign}: ${name} ${v.map((x) => x.toFixed(4))}`,
          );
      }
    }
  }
  console.log('landmark morphometrics at severity 1 vs 0 (3 faces):', JSON.stringify(report));
});

/** Mean CIELAB a* over the cheek regions of an aligned crop. */
function cheekRedness(a: FaceAnalysis): number {
  const { image, meshCrop } = a.aligned!;
  const labels = regionLabelMap(meshCrop, image.width, image.height);
  const cheeks = [REGION_NAMES.indexOf('cheekRight'), REGION_NAMES.indexOf('cheekLeft')];
  let sum = 0;
  let n = 0;
  labels.forEach((r, i) => {
    if (!cheeks.includes(r)) return;
    sum += srgbToLab(image.data[i * 3], image.data[i * 3 + 1], image.data[i * 3 + 2])[1];
    n++;
  });
  return sum / n;
}

/**
 * What the pipeline itself sees: single-sign phantoms are encoded (JPEG q95), analysed again from
 * scratch, and their morphometrics computed from the new mesh. The face mesh model pulls its
 * landmarks towards an average face, so it reports a fraction of each change (alar width ≈ +9 % for
 * +24 % drawn), and a step of 0.3 in severity can drown in its noise (about ±0.5 % on the mean of
 * five faces). So the mean over the five faces must never go back by more than that noise, must have
 * moved by more than 1 % at severity 1, and at severity 1 at least four of the five faces must have moved.
 */
const SEEN: Partial<Record<SignName, string[]>> = {
  nose_widening: ['noseWidthToInterocular'],
  lip_thickening: ['lipHeightToMouthWidth'],
  mandible_enlargement: ['lowerFaceHeightToFaceHeight', 'chinHeightToFaceHeight', 'faceWidthToHeight'],
  moon_face: ['jawAngleWidthToFaceWidth', 'mouthLevelWidthToFaceWidth', 'faceWidthToHeight'],
  plethora: [],
};

test('re-analysed single-sign phantoms: the pipeline sees each sign move its morphometrics, and plethora redden the cheeks', async () => {
  const report: Record<string, string> = {};
  for (const [sign, names] of Object.entries(SEEN) as [SignName, string[]][]) {
    const condition = SIGNS[sign].condition;
    const values: Record<string, number[][]> = {};
    const redness: number[][] = [];
    for (const face of FACES) {
      const { image, analysis } = await load(face.path);
      const reds: number[] = [];
      for (const severity of SEVERITIES) {
        const p = await simulatePhenotype(image, {
          condition,
          severity,
          signs: { [sign]: 1 },
          analysis,
          encode: 'jpeg',
        });
        const again = await analyzeFace(p.encoded!);
        const m = computeMorphometrics(again.primary!.meshPx, again.primary!.pose);
        for (const name of names)
          (values[name] ??= FACES.map(() => []))[FACES.indexOf(face)].push(morph(name, m));
        reds.push(cheekRedness(again));
      }
      redness.push(reds);
    }
    for (const name of names) {
      const direction = MORPHOMETRICS.find((d) => d.name === name)![condition];
      const rows = values[name];
      const mean = SEVERITIES.map((_, k) => rows.reduce((s, r) => s + (r[k] / r[0] - 1), 0) / rows.length);
      const moved = rows.filter((r) => (r[3] - r[0]) * direction > 0).length;
      const key = `${sign}.${name}`;
      report[key] = `${mean.map((v) => `${(v * 100).toFixed(1)}%`).join(' → ')} (${moved}/5 faces at 1)`;
      // Steps within the mesh model's noise (±0.5 %) may stall; none may go back beyond it.
      for (let k = 1; k < mean.length; k++)
        assert.ok((mean[k] - mean[k - 1]) * direction > -0.005, `${key}: mean ${report[key]}`);
      assert.ok((mean[3] - mean[0]) * direction > 0.01, `${key}: mean ${report[key]}`);
      assert.ok(moved >= 4, `${key}: only ${moved} of 5 faces moved: ${rows.map((r) => pct(r[3], r[0]))}`);
    }
    const meanRed = SEVERITIES.map((_, k) => redness.reduce((s, r) => s + r[k] - r[0], 0) / redness.length);
    if (sign === 'plethora') {
      report['plethora.cheekDeltaAStar'] = meanRed.map((v) => v.toFixed(2)).join(' → ');
      for (const r of redness)
        for (let k = 1; k < r.length; k++)
          assert.ok(r[k] > r[k - 1] + 0.5, `cheek a* ${r.map((x) => x.toFixed(2))}`);
      assert.ok(meanRed[3] > 4, `cheek a* rose by only ${meanRed[3].toFixed(2)}`);
    } else {
      assert.ok(Math.abs(meanRed[3]) < 1.5, `${sign} changed cheek a* by ${meanRed[3].toFixed(2)}`);
    }
  }
  console.log(
    `re-analysed, mean over 5 faces at severity ${SEVERITIES.join(', ')}:`,
    JSON.stringify(report, null, 1),
  );
});

test('full phantoms at severity 1 still give exactly one face with quality pass', async () => {
  for (const condition of ['acromegaly', 'cushing'] as const) {
    for (const face of FACES) {
      const { image, analysis } = await load(face.path);
      const p = await simulatePhenotype(image, { condition, severity: 1, analysis, encode: 'jpeg' });
      const again = await analyzeFace(p.encoded!);
      assert.equal(again.faces.length, 1, `${face.file} ${condition}: ${again.faces.length} faces`);
      assert.equal(
        again.quality.status,
        'pass',
        `${face.file} ${condition}: ${JSON.stringify(again.quality.reasons)}`,
      );
    }
  }
});
