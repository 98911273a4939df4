import sharp from 'sharp';
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import { analyzeFace, MESH_SIZE, type FaceAnalysis } from '../face/index.js';
import { REGION_NAMES, VERTEX_REGION, type RegionName } from '../face/index.js';
import { decodeImage, type DecodedImage, type RgbImage } from '../image/index.js';
import { lookUpOption } from '../util/index.js';
import { applyAffine, type Point2 } from '../util/index.js';
import { SOFTWARE_VERSION } from '../core/index.js';
import { applyBrowShading, applyPlethora, type ColourEdit } from './colour.js';
import { CONTROL_VERTICES, faceAnchors, signDisplacement, totalDisplacement } from './displacements.js';
import {
  borderPoints,
  eyeKeepMask,
  faceFrame,
  ringPoints,
  toPhotoVector,
  warpReach,
  type FaceFrame,
} from './frame.js';
import {
  CONDITIONS,
  SIGN_NAMES,
  SIGNS,
  resolveSignMagnitudes,
  type Condition,
  type SignName,
} from './signs.js';
import { fitThinPlateSpline } from './tps.js';
import { checkRange, MIN_JITTERED_SEVERITY, variedMagnitudes } from './variation.js';
import { areaRatioRange, backwardField, warpRgb } from './warp.js';

/** Bumped whenever a sign's definition or the warp changes, so phantoms made by different versions can be told apart. */
export const SIMULATOR_VERSION = 'simulate@1';

export type SimulationErrorCode = ReasonSubset<
  'no_face' | 'invalid_severity' | 'invalid_option' | 'sign_condition_mismatch' | 'greyscale'
>;
/** `warp_scaled_down`: the warp would have squeezed or stretched skin beyond `minAreaRatio` (or folded), so every shape sign was scaled down (see `warpScale`). */
export type SimulationWarningCode = ReasonSubset<'warp_scaled_down'>;

export interface SimulateOptions {
  condition: Condition;
  /** Overall severity in [0, 1]: every sign of the condition at this magnitude (0 returns the photo unchanged). */
  severity: number;
  /**
   * Only these signs, each at `severity × weight` (weight in [0, 1]); e.g. `{ nose_widening: 1 }`
   * for a single-sign phantom. Default: every sign of the condition at weight 1.
   */
  signs?: Partial<Record<SignName, number>>;
  /** Seed of the variation below. Default 0. */
  seed?: number;
  /**
   * Standard deviation of a seeded jitter added to the severity (result clipped to
   * [min(severity, 0.05), 1], so a jittered phantom always carries its signs; refused with severity 0).
   * Default 0.
   */
  jitter?: number;
  /** Seeded relative variation of each sign's weight: factor uniform in [1 − signMix, 1 + signMix]. Default 0. */
  signMix?: number;
  /** The photo's face analysis, when the caller already has it (it must be of this very image). */
  analysis?: FaceAnalysis;
  /** Also encode the phantom: JPEG quality 95, 4:4:4 chroma, or PNG. Default: no encoding. */
  encode?: 'jpeg' | 'png';
  /**
   * The warp may squeeze skin to no less than this fraction of its area, and stretch it to no more
   * than the inverse; beyond, every shape sign is scaled down until it fits. Default 0.3.
   */
  minAreaRatio?: number;
}

/** What one sign changed. Displacements are in the phantom's pixels, measured at the mesh vertices. */
export interface SignChange {
  sign: SignName;
  regions: RegionName[];
  /** The sign's magnitude in [0, 1] as applied (after variation and any scale-down). */
  magnitude: number;
  /** Mean and largest displacement of the mesh vertices in the sign's regions (0 for colour-only signs). */
  meanDisplacementPx: number;
  maxDisplacementPx: number;
  /** Every region whose vertices moved by ≥ 0.5 px, with mean and largest displacement. */
  byRegion: Partial<Record<RegionName, { meanPx: number; maxPx: number }>>;
  /** Colour edits (Lab shift at full mask weight, area edited). */
  colour?: ColourEdit;
}

export interface Phenotype {
  /** The phantom, at the working image's resolution. */
  image: RgbImage;
  /** The phantom encoded as asked in `options.encode`. */
  encoded?: Buffer;
  condition: Condition;
  /** Severity after the seeded jitter. */
  severity: number;
  /** Each sign's magnitude as applied (0 for signs not applied). */
  magnitudes: Record<SignName, number>;
  /** One entry per sign applied. */
  changes: SignChange[];
  /** The mesh (+ iris) where the phantom has it: the source mesh moved by the warp, working-image pixels. */
  meshPx: [number, number, number][];
  /** Factor the shape signs were scaled by to keep the warp one-to-one (1 = as asked). */
  warpScale: number;
  /** Range of the warp's local area ratio, phantom / source (1 = unchanged; > 0 everywhere = no fold-over). */
  areaRatio: { min: number; max: number };
  warnings: SimulationWarningCode[];
  source: DecodedImage['source'];
  seed: number;
  versions: Record<string, string>;
  timings: { analyzeMs: number; warpMs: number; colourMs: number; encodeMs: number; totalMs: number };
}

/** Photo pixels between nodes of the warp grid: ~1/20 of the inter-ocular distance, 2–8 px. */
const gridStep = (frame: FaceFrame): number =>
  Math.max(2, Math.min(8, Math.round((0.28 * frame.pxPerUnit) / 20)));

/** Fits the warp at `scale` × the displacements and samples its backward field. */
function fitWarp(
  frame: FaceFrame,
  controls: Point2[],
  forward: Point2[],
  fixed: Point2[],
  scale: number,
  size: { width: number; height: number },
) {
  const points = [
    ...controls.map((p, i) => [p[0] + scale * forward[i][0], p[1] + scale * forward[i][1]] as Point2),
    ...fixed,
  ];
  const values = [
    ...forward.map(([x, y]) => [-scale * x, -scale * y] as Point2),
    ...fixed.map(() => [0, 0] as Point2),
  ];
  const tps = fitThinPlateSpline(points, values, 1e-7);
  const field = backwardField(tps, frame, warpReach(frame, size.width, size.height), gridStep(frame));
  return { field, area: areaRatioRange(field) };
}

function regionStats(lengths: Float64Array, regions: readonly RegionName[]) {
  const byRegion: SignChange['byRegion'] = {};
  let sum = 0,
    count = 0,
    max = 0;
  REGION_NAMES.forEach((name, r) => {
    let s = 0,
      n = 0,
      m = 0;
    for (let v = 0; v < VERTEX_REGION.length; v++) {
      if (VERTEX_REGION[v] !== r) continue;
      s += lengths[v];
      n++;
      m = Math.max(m, lengths[v]);
    }
    if (m >= 0.5) byRegion[name] = { meanPx: s / n, maxPx: m };
    if (regions.includes(name)) {
      sum += s;
      count += n;
      max = Math.max(max, m);
    }
  });
  return { meanDisplacementPx: count > 0 ? sum / count : 0, maxDisplacementPx: max, byRegion };
}

/**
 * Checks the options of a phantom before any work: the condition, severity and variation ranges and
 * the signs (names, condition, weights). Throws `EndofaceError` naming the option; returns them
 * resolved, with each sign's weight.
 */
export function checkSimulateOptions(options: Omit<SimulateOptions, 'analysis' | 'encode'>) {
  const condition = lookUpOption('condition', String(options.condition), CONDITIONS);
  const severity = checkRange('severity', options.severity, 0, 1);
  const jitter = checkRange('jitter', options.jitter ?? 0, 0, 1);
  // Jitter around 0 has no floor to clip to: half the draws would be the photo unchanged.
  if (severity === 0 && jitter > 0)
    throw new EndofaceError(
      'invalid_severity',
      `severity 0 with jitter would leave about half the photos unchanged (draws below 0 become 0), yet label them ${condition}; give a severity above 0 (jittered draws are kept at or above min(severity, ${MIN_JITTERED_SEVERITY}))`,
      { parameter: 'severity', value: 0 },
    );
  return {
    condition,
    severity,
    seed: checkRange('seed', options.seed ?? 0, -(2 ** 53), 2 ** 53),
    variation: {
      jitter,
      signMix: checkRange('signMix', options.signMix ?? 0, 0, 1),
    },
    minAreaRatio: checkRange('minAreaRatio', options.minAreaRatio ?? 0.3, 0.01, 1),
    weights: resolveSignMagnitudes(condition, 1, options.signs),
  };
}

/**
 * Signs that change hue (CIELAB a*, b*), not only lightness: on a greyscale photo they would paint
 * colour that no grey photo has, so the colour alone would give the phantom away. (Brow shading
 * changes L* only: a grey photo stays grey.)
 */
export const HUE_SIGNS: readonly SignName[] = ['plethora'];

/**
 * Refuses (`greyscale`) a greyscale photo when a phantom of it at `severity` would carry a hue sign:
 * it could only be made with colour painted on grey. Checked before face analysis, so it costs nothing.
 */
export function refuseHueOnGrey(
  image: DecodedImage,
  condition: Condition,
  severity: number,
  weights: Readonly<Record<SignName, number>>,
): void {
  if (severity === 0 || !image.warnings.includes('greyscale')) return;
  const hue = HUE_SIGNS.filter((s) => weights[s] > 0);
  if (hue.length === 0) return;
  const others = SIGN_NAMES.filter((s) => SIGNS[s].condition === condition && !HUE_SIGNS.includes(s));
  throw new EndofaceError(
    'greyscale',
    `the photo is greyscale: ${hue.join(', ')} would paint colour on grey, and the colour alone would tell the phantom from a real grey photo; to use greyscale photos, leave ${hue.join(', ')} out of the signs (e.g. ${others.map((s) => `${s}=1`).join(',')})`,
    { file: image.source.path, signs: hue },
  );
}

/**
 * Makes a phantom: the photo with Cushing's-like or acromegaly-like changes at a given severity —
 * smooth landmark-driven warps (thin-plate spline through mesh vertices, eyes, a ring around the face
 * and the photo border held fixed) and CIELAB colour edits. See `SIGNS` for the signs, their regions
 * and their size at magnitude 1. Deterministic for a given photo, options and seed.
 *
 * Throws `EndofaceError` with `no_face` when no face is found, `greyscale` when the photo is greyscale
 * and a sign would colour it (see {@link HUE_SIGNS}), `invalid_severity`, `invalid_option` or
 * `sign_condition_mismatch` for bad options, and the image stage's codes for unreadable input.
 *
 * @example
 *   const p = await simulatePhenotype('examples/female_agata.jpg', { condition: 'acromegaly', severity: 0.6, encode: 'jpeg' });
 *   p.changes.map((c) => [c.sign, c.maxDisplacementPx.toFixed(1)]);
 *   // [['nose_widening', '6.5'], ['nose_enlargement', '5.1'], ['lip_thickening', '12.2'], ['mandible_enlargement', '19.5'], ['brow_prominence', '3.9']]
 */
export async function simulatePhenotype(
  input: string | Buffer | DecodedImage,
  options: SimulateOptions,
): Promise<Phenotype> {
  const t0 = performance.now();
  const { condition, severity, seed, variation, weights, minAreaRatio } = checkSimulateOptions(options);
  const varied = variedMagnitudes(condition, severity, weights, seed, variation);

  const image = typeof input === 'string' || Buffer.isBuffer(input) ? await decodeImage(input) : input;
  refuseHueOnGrey(image, condition, severity, weights);
  const analysis = options.analysis ?? (await analyzeFace(image));
  if (!analysis.primary || !analysis.aligned) {
    throw new EndofaceError('no_face', 'no face found in the photo; nothing to simulate', {
      file: image.source.path,
    });
  }
  const t1 = performance.now();
  const k = image.scale;
  const meshPx = analysis.primary.meshPx.map(
    ([x, y, z]) => [x * k, y * k, z * k] as [number, number, number],
  );
  const cropToWorking = analysis.aligned.cropToPhoto.map((v) => v * k) as typeof analysis.aligned.cropToPhoto;
  const frame = faceFrame(meshPx, cropToWorking, analysis.aligned.image.width);
  const anchors = faceAnchors(frame.mesh);
  const magnitudes = { ...varied.magnitudes };
  const warnings: SimulationWarningCode[] = [];
  const keep = eyeKeepMask(frame, image.width, image.height);
  const step = gridStep(frame);

  // Shape: control points (mesh subset + iris) move; the ring and the border stay.
  const shapeSigns = SIGN_NAMES.filter((s) => magnitudes[s] > 0 && SIGNS[s].kind !== 'colour');
  let warpScale = 1;
  let areaRatio = { min: 1, max: 1 };
  let warped: RgbImage = { data: new Uint8Array(image.data), width: image.width, height: image.height };
  if (shapeSigns.length > 0) {
    const iris = frame.mesh.slice(MESH_SIZE); // present when the iris model ran
    const controls = [...CONTROL_VERTICES.map((v) => frame.mesh[v]), ...iris];
    const forward = controls.map((p) => totalDisplacement(frame, anchors, magnitudes, p));
    const fixed = [...ringPoints(frame), ...borderPoints(frame, image.width, image.height)];
    let fit = fitWarp(frame, controls, forward, fixed, warpScale, image);
    const fits = (a: { min: number; max: number }): boolean =>
      a.min >= minAreaRatio && a.max <= 1 / minAreaRatio;
    while (!fits(fit.area) && warpScale > 0.2) {
      warpScale *= 0.8;
      fit = fitWarp(frame, controls, forward, fixed, warpScale, image);
    }
    if (warpScale < 1) warnings.push('warp_scaled_down');
    areaRatio = fit.area;
    warped = warpRgb(image, fit.field, keep);
    for (const s of shapeSigns) magnitudes[s] *= warpScale;
  }
  const t2 = performance.now();

  // Where the landmarks are in the phantom, and what each sign moved.
  const outMesh = frame.mesh.map((p) => {
    const d = totalDisplacement(frame, anchors, magnitudes, p);
    return [p[0] + d[0], p[1] + d[1]] as Point2;
  });
  const changes: SignChange[] = [];
  for (const s of SIGN_NAMES) {
    if (magnitudes[s] === 0) continue;
    const lengths = Float64Array.from(frame.mesh.slice(0, VERTEX_REGION.length), (p) => {
      if (SIGNS[s].kind === 'colour') return 0;
      const d = signDisplacement(frame, anchors, s, p);
      const v = toPhotoVector(frame, [d[0] * magnitudes[s], d[1] * magnitudes[s]]);
      return Math.hypot(v[0], v[1]);
    });
    changes.push({
      sign: s,
      regions: SIGNS[s].regions,
      magnitude: magnitudes[s],
      ...regionStats(lengths, SIGNS[s].regions),
    });
  }
  // Colour, on the warped photo, with masks on the moved mesh.
  const target = { image: warped, frame, mesh: outMesh, keep, step: Math.ceil(step / 2) };
  for (const c of changes) {
    if (c.sign === 'plethora') c.colour = applyPlethora(target, c.magnitude);
    if (c.sign === 'brow_prominence') c.colour = applyBrowShading(target, c.magnitude);
  }
  const t3 = performance.now();

  let encoded: Buffer | undefined;
  if (options.encode) encoded = await encodePhantom(warped, options.encode);
  const t4 = performance.now();
  return {
    image: warped,
    encoded,
    condition,
    severity: varied.severity,
    magnitudes,
    changes,
    meshPx: meshPx.map(([, , z], v) => [...applyAffine(frame.toPhoto, outMesh[v]), z]),
    warpScale,
    areaRatio,
    warnings,
    source: image.source,
    seed,
    versions: { endoface: SOFTWARE_VERSION, simulator: SIMULATOR_VERSION },
    timings: { analyzeMs: t1 - t0, warpMs: t2 - t1, colourMs: t3 - t2, encodeMs: t4 - t3, totalMs: t4 - t0 },
  };
}

/** Encodes an RGB image as JPEG (quality 95, 4:4:4 chroma — skin colour is the signal) or PNG. */
export async function encodePhantom(image: RgbImage, format: 'jpeg' | 'png'): Promise<Buffer> {
  const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  return format === 'png'
    ? s.png().toBuffer()
    : s.jpeg({ quality: 95, chromaSubsampling: '4:4:4', mozjpeg: false }).toBuffer();
}
