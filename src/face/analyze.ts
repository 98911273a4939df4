import { decodeImage, defaultImageConfig, type DecodedImage, type ImageConfig } from '../image/index.js';
import { modelVersions } from '../runtime/index.js';
import { mergeChecked, type DeepPartial } from '../util/index.js';
import { SOFTWARE_VERSION } from '../core/index.js';
import type { AffineMatrix } from '../util/index.js';
import { alignFace, defaultAlignConfig, type AlignConfig } from './align.js';
import { defaultDetectConfig, detectFaces, type DetectConfig } from './detect.js';
import { defaultQualityConfig, judgeQuality, measureQuality, type QualityConfig } from './quality.js';
import type { AlignedFace, DetectedFace, FaceAnalysis } from './types.js';

/** Everything `analyzeFace` can be told, with one documented default each (see the stage modules). */
export interface FaceConfig {
  image: ImageConfig;
  detect: DetectConfig;
  align: AlignConfig;
  quality: QualityConfig;
}

export const defaultFaceConfig: Readonly<FaceConfig> = Object.freeze({
  image: defaultImageConfig,
  detect: defaultDetectConfig,
  align: defaultAlignConfig,
  quality: defaultQualityConfig,
});

/** Side of the crop the quality measures are taken on: the one {@link defaultQualityConfig} was calibrated on. */
const QUALITY_CROP_SIZE = 224;

export function resolveFaceConfig(partial?: DeepPartial<FaceConfig>): FaceConfig {
  return mergeChecked(defaultFaceConfig as FaceConfig, partial);
}

/** Re-expresses a face found on the (possibly downscaled) working image in source-photo pixels. */
function toSourceFrame(face: DetectedFace, scale: number): DetectedFace {
  if (scale === 1) return face;
  const s = 1 / scale;
  return {
    ...face,
    box: { x: face.box.x * s, y: face.box.y * s, width: face.box.width * s, height: face.box.height * s },
    meshPx: face.meshPx.map(([x, y, z]) => [x * s, y * s, z * s]),
    interOcularPx: face.interOcularPx * s,
  };
}

function alignedInSourceFrame(aligned: AlignedFace, scale: number): AlignedFace {
  if (scale === 1) return aligned;
  const [a, b, c, d, e, f] = aligned.photoToCrop;
  const photoToCrop: AffineMatrix = [a * scale, b * scale, c, d * scale, e * scale, f];
  const [ia, ib, ic, id, ie, iff] = aligned.cropToPhoto;
  const cropToPhoto: AffineMatrix = [ia / scale, ib / scale, ic / scale, id / scale, ie / scale, iff / scale];
  return { ...aligned, photoToCrop, cropToPhoto };
}

/**
 * Analyses the faces in one photo: decode → detect (box, 468-point mesh, pose) → align the largest
 * face to the canonical crop → quality verdict. Models load once per process and are reused.
 *
 * A photo without a face is a result (`quality.status === 'reject'`, reason `no_face`), not an
 * error; unreadable input throws `EndofaceError` with the image stage's reason code.
 *
 * @example
 *   const a = await analyzeFace('photo.jpg');
 *   a.quality.status; // 'pass'
 *   a.aligned?.image;  // 224×224 RGB crop
 */
export async function analyzeFace(
  input: string | Buffer | DecodedImage,
  options: DeepPartial<FaceConfig> = {},
): Promise<FaceAnalysis> {
  const cfg = resolveFaceConfig(options);
  const t0 = performance.now();
  const image =
    typeof input === 'string' || Buffer.isBuffer(input) ? await decodeImage(input, cfg.image) : input;
  const t1 = performance.now();
  const working = await detectFaces(image, cfg.detect);
  const t2 = performance.now();
  const faces = working.map((f) => toSourceFrame(f, image.scale));
  let aligned: AlignedFace | undefined;
  let measures = {};
  let t3 = t2;
  if (working.length > 0) {
    aligned = alignFace(image, working[0].meshPx, cfg.align);
    t3 = performance.now();
    // The quality thresholds (sharpness above all) were set on 224-px crops: a crop of another size
    // (detect --size) is measured at 224 so that its verdict does not change with the size.
    const judged =
      aligned.image.width === QUALITY_CROP_SIZE
        ? aligned
        : alignFace(image, working[0].meshPx, { ...cfg.align, size: QUALITY_CROP_SIZE });
    measures = measureQuality(faces[0], judged, image.source);
    aligned = alignedInSourceFrame(aligned, image.scale);
  }
  const quality = judgeQuality(faces.length, measures, image.warnings, cfg.quality);
  const t4 = performance.now();
  return {
    source: image.source,
    imageWarnings: image.warnings,
    faces,
    primary: faces[0],
    aligned,
    quality,
    versions: { endoface: SOFTWARE_VERSION, ...modelVersions() },
    timings: { decodeMs: t1 - t0, detectMs: t2 - t1, alignMs: t3 - t2, qualityMs: t4 - t3, totalMs: t4 - t0 },
  };
}
