import type { ReasonSubset } from '../core/index.js';

/**
 * Reason codes of the image stage: why a file could not become pixels. `file_not_readable`: the file
 * exists but cannot be read (permissions, an I/O error). `extreme_aspect_ratio`: a strip (one side
 * more than 20 times the other), not a photo.
 */
export type ImageErrorCode = ReasonSubset<
  | 'file_not_found'
  | 'file_not_readable'
  | 'empty_file'
  | 'unsupported_format'
  | 'corrupt_image'
  | 'too_large'
  | 'extreme_aspect_ratio'
>;

/** Non-fatal observations about a decoded photo. */
export type ImageWarningCode = ReasonSubset<
  'greyscale' | 'alpha_flattened' | 'animated_first_frame' | 'downscaled'
>;

/** Formats endoface decodes (sharp's names; AVIF and HEIC arrive as `heif`). */
export const SUPPORTED_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'heif', 'gif'] as const;
export type ImageFormat = (typeof SUPPORTED_FORMATS)[number];

export interface ImageConfig {
  /** Largest file accepted, in bytes. Default 50 MiB. */
  maxBytes: number;
  /** Largest image accepted, in pixels (width × height, read from the header before decoding). Default 100 MP. */
  maxPixels: number;
  /**
   * Longest side of the working image, in pixels; larger photos are downscaled after orientation
   * (the face models see at most 256 px per face, so detail beyond this only costs time). Default 1600.
   */
  maxWorkingSide: number;
  /** Background that transparent pixels are flattened onto (sRGB hex). Default mid grey. */
  alphaBackground: string;
}

/** An 8-bit sRGB RGB image, upright (EXIF orientation applied), row-major, 3 channels. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DecodedImage extends RgbImage {
  /** What the file was, before endoface changed anything. */
  source: {
    path?: string;
    format: ImageFormat;
    /** Size after EXIF orientation, before any downscale. */
    width: number;
    height: number;
    bytes: number;
    /** EXIF orientation tag (1–8) that was applied; 1 when absent. */
    exifOrientation: number;
    channels: number;
    hasAlpha: boolean;
    /** SHA-256 of the file's bytes: the key of the feature cache. */
    sha256: string;
  };
  /** Working-image pixels per source pixel (1 unless downscaled). */
  scale: number;
  warnings: ImageWarningCode[];
}
