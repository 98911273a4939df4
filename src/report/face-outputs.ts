import sharp from 'sharp';
import type { BatchOutcome, FaceAnalysis } from '../face/index.js';

const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** The JSON written per photo by `endoface detect`: everything but the crop's pixels, coordinates rounded to 0.01 px. */
export function faceAnalysisJson(a: FaceAnalysis): Record<string, unknown> {
  return {
    disclaimer: 'Research software, not a diagnostic device.',
    source: a.source,
    imageWarnings: a.imageWarnings,
    quality: a.quality,
    faceCount: a.faces.length,
    faces: a.faces.map((f) => ({
      box: { x: round(f.box.x), y: round(f.box.y), width: round(f.box.width), height: round(f.box.height) },
      pose: f.pose,
      detectorScore: f.detectorScore,
      meshScore: f.meshScore,
      interOcularPx: f.interOcularPx,
      meshPx: f.meshPx.map((p) => p.map((v) => round(v))),
    })),
    aligned: a.aligned && {
      size: a.aligned.image.width,
      photoToCrop: a.aligned.photoToCrop,
      cropToPhoto: a.aligned.cropToPhoto,
      fitRmsPx: a.aligned.fitRmsPx,
      meshCrop: a.aligned.meshCrop.map((p) => p.map((v) => round(v))),
    },
    versions: a.versions,
    timings: a.timings,
  };
}

/** The aligned face crop as a PNG (undefined: no face was aligned). */
export async function alignedCropPng(a: FaceAnalysis): Promise<Buffer | undefined> {
  if (!a.aligned) return undefined;
  const { data, width, height } = a.aligned.image;
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export const DETECT_SUMMARY_COLUMNS = [
  'file',
  'status',
  'reasons',
  'faces',
  'inter_ocular_px',
  'yaw_deg',
  'pitch_deg',
  'roll_deg',
  'sharpness',
  'mean_luma',
  'eye_texture_ratio',
  'error_code',
  'error_message',
] as const;

/** One row of the detect summary CSV. Unreadable files get status `error` and their reason code. */
export function detectSummaryRow(o: BatchOutcome): Record<string, unknown> {
  if (!o.ok)
    return { file: o.file, status: 'error', error_code: o.error.code, error_message: o.error.message };
  const q = o.analysis.quality;
  const m = q.measures;
  return {
    file: o.file,
    status: q.status,
    reasons: q.reasons.map((r) => `${r.code}:${r.severity}`).join(' '),
    faces: o.analysis.faces.length,
    inter_ocular_px: m.interOcularPx && round(m.interOcularPx),
    yaw_deg: m.yawDeg !== undefined ? round(m.yawDeg) : undefined,
    pitch_deg: m.pitchDeg !== undefined ? round(m.pitchDeg) : undefined,
    roll_deg: m.rollDeg !== undefined ? round(m.rollDeg) : undefined,
    sharpness: m.sharpness !== undefined ? round(m.sharpness, 1) : undefined,
    mean_luma: m.meanLuma !== undefined ? round(m.meanLuma, 1) : undefined,
    eye_texture_ratio: m.eyeTextureRatio !== undefined ? round(m.eyeTextureRatio, 3) : undefined,
  };
}
