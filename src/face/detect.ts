import sharp from 'sharp';
import type { RgbImage } from '../image/index.js';
import { distance } from '../util/index.js';
import { getHuman, type HumanFace } from './human.js';
import { eyeCentres } from './mesh-indices.js';
import type { DetectedFace, Pose } from './types.js';

export interface DetectConfig {
  /** Photos whose shorter side is below this (px) are upscaled before detection (blazeface needs ~100 px faces). Default 160. */
  minDetectorSide: number;
  /** Shorter side (px) that small photos are upscaled to. Default 256. */
  upscaleTo: number;
  /**
   * Margin added around small photos, and around any photo where no face was found, as a fraction of
   * its longer side: a face that fills the whole frame is missed by blazeface without it. Default 0.25.
   */
  padFraction: number;
  /** A face whose box overlaps a larger face's by more than this fraction of its own area is dropped. Default 0.3. */
  maxNestedOverlap: number;
  /** Compute human's 1024-d faceres descriptor with the mesh. Default false (the features stage turns it on). */
  descriptor: boolean;
}

export const defaultDetectConfig: Readonly<DetectConfig> = Object.freeze({
  minDetectorSide: 160,
  upscaleTo: 256,
  padFraction: 0.25,
  maxNestedOverlap: 0.3,
  descriptor: false,
});

/** How the detector's input was made from the image: input = image · scale + offset. */
interface Prepared {
  image: RgbImage;
  scale: number;
  offset: number;
}

async function prepare(image: RgbImage, upscale: number, padFraction: number): Promise<Prepared> {
  if (upscale === 1 && padFraction === 0) return { image, scale: 1, offset: 0 };
  const w = Math.round(image.width * upscale);
  const h = Math.round(image.height * upscale);
  const pad = Math.round(Math.max(w, h) * padFraction);
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(w, h, { kernel: 'cubic' })
    .extend({ top: pad, bottom: pad, left: pad, right: pad, background: '#808080' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    image: {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    },
    scale: w / image.width,
    offset: pad,
  };
}

const RAD = 180 / Math.PI;

function toDetectedFace(f: HumanFace, prep: Prepared): DetectedFace {
  const back = (v: number): number => (v - prep.offset) / prep.scale;
  const meshPx = f.mesh.map(([x, y, z]) => [back(x), back(y), z / prep.scale] as [number, number, number]);
  const eyes = eyeCentres(meshPx);
  // Roll from the eye line (positive = clockwise in the photo); yaw and pitch from human's mesh-based estimate.
  const rollDeg = Math.atan2(eyes.left[1] - eyes.right[1], eyes.left[0] - eyes.right[0]) * RAD;
  const pose: Pose = {
    yawDeg: (f.rotation?.angle.yaw ?? 0) * RAD,
    pitchDeg: (f.rotation?.angle.pitch ?? 0) * RAD,
    rollDeg,
  };
  const [bx, by, bw, bh] = f.box;
  return {
    box: { x: back(bx), y: back(by), width: bw / prep.scale, height: bh / prep.scale },
    meshPx,
    pose,
    detectorScore: f.boxScore,
    meshScore: f.faceScore,
    interOcularPx: distance(eyes.right, eyes.left),
    ...(f.embedding && f.embedding.length > 0 ? { descriptor: Array.from(f.embedding) } : {}),
  };
}

async function runHuman(prep: Prepared, descriptor: boolean): Promise<DetectedFace[]> {
  const human = await getHuman({ descriptor });
  const { data, width, height } = prep.image;
  const input = human.tf.tensor3d(data, [height, width, 3], 'int32');
  try {
    const result = await human.detect(input);
    if (result.error) throw new Error(`face detector failed: ${result.error}`);
    for (const f of result.face) f.tensor?.dispose();
    // Human returns faces whose mesh failed as boxes with an empty mesh: they cannot be aligned, so drop them.
    return result.face.filter((f) => f.mesh.length >= 468).map((f) => toDetectedFace(f, prep));
  } finally {
    input.dispose();
  }
}

/** Area of the intersection of two boxes over the smaller box's area. */
function overlapOfSmaller(a: DetectedFace['box'], b: DetectedFace['box']): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.width * a.height, b.width * b.height);
}

/**
 * Drops detections that lie mostly inside a larger face: blazeface often fires a second, weak box on
 * part of a close-up face (seen on 8 % of UTKFace crops). Two real faces do not overlap that much.
 */
function suppressNested(faces: DetectedFace[], maxOverlap: number): DetectedFace[] {
  const kept: DetectedFace[] = [];
  for (const f of faces) if (kept.every((k) => overlapOfSmaller(k.box, f.box) < maxOverlap)) kept.push(f);
  return kept;
}

/**
 * Finds every face in an RGB image: box, 468-point mesh (+ iris), pose. Coordinates are in the
 * image's own pixels. Faces are sorted largest first (by inter-ocular distance).
 */
export async function detectFaces(
  image: RgbImage,
  config: Partial<DetectConfig> = {},
): Promise<DetectedFace[]> {
  const cfg = { ...defaultDetectConfig, ...config };
  const small = Math.min(image.width, image.height) < cfg.minDetectorSide;
  const upscale = small ? cfg.upscaleTo / Math.min(image.width, image.height) : 1;
  let faces = await runHuman(await prepare(image, upscale, small ? cfg.padFraction : 0), cfg.descriptor);
  if (faces.length === 0 && !small && cfg.padFraction > 0) {
    faces = await runHuman(await prepare(image, 1, cfg.padFraction), cfg.descriptor);
  }
  return suppressNested(
    faces.sort((a, b) => b.interOcularPx - a.interOcularPx),
    cfg.maxNestedOverlap,
  );
}
