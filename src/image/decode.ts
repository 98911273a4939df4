import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { EndofaceError } from '../core/index.js';
import { fileReadError } from '../io/index.js';
import type { DecodedImage, ImageConfig, ImageErrorCode, ImageFormat, ImageWarningCode } from './types.js';
import { SUPPORTED_FORMATS } from './types.js';
import { describeBytes, sniffFormat } from './sniff.js';

export const defaultImageConfig: Readonly<ImageConfig> = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 100_000_000,
  maxWorkingSide: 1600,
  alphaBackground: '#808080',
});

const fail = (code: ImageErrorCode, message: string, details: Record<string, unknown> = {}): never => {
  throw new EndofaceError(code, message, details);
};

async function readInput(input: string | Buffer, maxBytes: number): Promise<{ buf: Buffer; path?: string }> {
  if (Buffer.isBuffer(input)) {
    if (input.length > maxBytes)
      fail('too_large', `image buffer is ${input.length} bytes; the limit is ${maxBytes}`, {
        bytes: input.length,
      });
    return { buf: input };
  }
  const info = await stat(input).catch((e: unknown) => {
    throw fileReadError(e, input);
  });
  if (info.isDirectory()) fail('file_not_found', `${input} is a folder, not a photo`, { file: input });
  if (!info.isFile())
    fail('file_not_found', `${input} is not a photo file (a device, pipe or socket)`, { file: input });
  if (info.size > maxBytes) {
    fail('too_large', `${input} is ${info.size} bytes; the limit is ${maxBytes}`, {
      file: input,
      bytes: info.size,
    });
  }
  // A file whose permissions forbid reading passes stat: the read is where that shows.
  const buf = await readFile(input).catch((e: unknown) => {
    throw fileReadError(e, input);
  });
  return { buf, path: input };
}

/**
 * How libvips decodes: strictly first (`warning`), which refuses a file whose compressed data libjpeg
 * had to patch over ("Corrupt JPEG data: premature end of data segment": a damaged middle, which the
 * lenient levels decode to flat grey blocks and would have scored). A warning that leaves the pixels
 * intact — Samsung cameras' "Invalid SOS parameters for sequential JPEG" decodes pixel for pixel the
 * same — is no damage: such a file is decoded again at the lenient level (`truncated`), as before.
 * Calibrated: every one of the 10,529 JPEG and PNG photos of the public sets decodes strictly. JPEG
 * has no checksum: damage that still decodes as valid data (shifted, discoloured blocks) draws no
 * warning and is not caught.
 */
const DAMAGED_DATA = /premature end of data segment|huffman|premature end of JPEG/i;

async function decodeWith<T>(
  run: (failOn: 'warning' | 'truncated') => Promise<T>,
  name: string,
  where: Record<string, unknown>,
): Promise<T> {
  try {
    return await run('warning');
  } catch (e) {
    if (DAMAGED_DATA.test(vipsReason(e))) return damaged(name, where)(e);
    return run('truncated').catch(damaged(name, where));
  }
}

/**
 * Longest side over shortest side beyond which an image is refused (`extreme_aspect_ratio`). A face
 * photo, even a panorama, is far from it; a strip (60000×2) holds no face, and the detector would
 * blow it up to a 256-px short side, hundreds of gigabytes long.
 */
const MAX_ASPECT_RATIO = 20;

/** libvips' reason on one line: libjpeg repeats its messages, each is kept once. */
function vipsReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text
    .replace(/^Input (?:file|buffer) has corrupt header:\s*/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return [...new Set(lines)].join('; ') || 'unknown error';
}

/** The `corrupt_image` error of a photo whose pixel data libvips refused. */
const damaged = (name: string, where: Record<string, unknown>) => (e: unknown) =>
  fail('corrupt_image', `${name} is damaged: its image data cannot be decoded (${vipsReason(e)})`, where);

/** Channel spread (max − min of R, G, B) up to which a pixel counts as grey: JPEG's chroma noise. */
const GREY_SPREAD = 6;
/**
 * Share of coloured pixels a grey photo may still have: a red annotation or a coloured logo on a
 * black-and-white photo leaves its face colourless. Any colour face photo has far more (skin alone).
 */
const GREY_COLOURED_SHARE = 0.01;

/**
 * Whether RGB data is a grey photo (all but {@link GREY_COLOURED_SHARE} of its pixels within
 * {@link GREY_SPREAD}). A tinted print (sepia) is not caught: its hue is uniform but not grey.
 */
function looksGrey(rgb: Uint8Array): boolean {
  const limit = (rgb.length / 3) * GREY_COLOURED_SHARE;
  let coloured = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i];
    const g = rgb[i + 1];
    const b = rgb[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > GREY_SPREAD && ++coloured > limit) return false;
  }
  return true;
}

/**
 * Whether every pixel of an image with an alpha channel is opaque, judged on a copy at most 1024 px
 * wide (averaging keeps any transparent patch below full opacity), so the statistics stay cheap on a
 * large photo. It is a second decode of the file, besides the main one.
 */
async function isOpaque(buf: Buffer, name: string, where: Record<string, unknown>): Promise<boolean> {
  const stats = await decodeWith(
    (failOn) =>
      sharp(buf, { failOn, limitInputPixels: false, pages: 1 })
        .resize({ width: 1024, height: 1024, fit: 'inside', withoutEnlargement: true })
        .stats(),
    name,
    where,
  );
  return stats.isOpaque;
}

/**
 * Decodes a photo into an upright 8-bit sRGB RGB image.
 *
 * Accepts JPEG, PNG, WebP, TIFF, AVIF/HEIF and GIF (first frame). Applies the EXIF orientation,
 * converts any colour space or bit depth to 8-bit sRGB, expands greyscale to RGB and flattens alpha.
 * The pixel limit is checked from the header before any pixel is decoded, so a decompression
 * bomb costs nothing. Photos larger than `maxWorkingSide` are downscaled (`scale` records by how much).
 *
 * A JPEG whose compressed data libjpeg finds damaged (it warns and fills the rest with grey) is
 * refused as `corrupt_image`, not decoded: its face would be scored on invented pixels. An image whose
 * long side is over 20 times its short side is refused as `extreme_aspect_ratio`.
 *
 * @throws EndofaceError with code `file_not_found`, `file_not_readable`, `empty_file`, `too_large`,
 *   `extreme_aspect_ratio`, `unsupported_format` or `corrupt_image`, and `details.file` when the input was a path.
 */
export async function decodeImage(
  input: string | Buffer,
  config: Partial<ImageConfig> = {},
): Promise<DecodedImage> {
  const cfg = { ...defaultImageConfig, ...config };
  const { buf, path } = await readInput(input, cfg.maxBytes);
  const where = path ? { file: path } : {};
  const name = path ?? 'image buffer';
  if (buf.length === 0) fail('empty_file', `${name} is empty (0 bytes)`, where);

  const sniffed = sniffFormat(buf);
  if (sniffed === 'unknown') {
    fail('unsupported_format', `${name} is not an image: ${describeBytes(buf)}`, where);
  }
  if (sniffed === 'other-image') {
    fail('unsupported_format', `${name}: format not accepted; use ${SUPPORTED_FORMATS.join(', ')}`, where);
  }

  const meta = await sharp(buf, { limitInputPixels: false })
    .metadata()
    .catch((e: unknown) =>
      fail('corrupt_image', `${name} is damaged: its header cannot be read (${vipsReason(e)})`, where),
    );
  const format = meta.format as string;
  if (!(SUPPORTED_FORMATS as readonly string[]).includes(format)) {
    fail('unsupported_format', `${name} is ${format}; accepted: ${SUPPORTED_FORMATS.join(', ')}`, where);
  }
  const { width = 0, height = 0 } = meta;
  if (width <= 0 || height <= 0) fail('corrupt_image', `${name} has no valid dimensions`, where);
  if (width * height > cfg.maxPixels) {
    fail('too_large', `${name} is ${width}×${height} pixels; the limit is ${cfg.maxPixels} pixels`, {
      ...where,
      width,
      height,
    });
  }

  if (Math.max(width, height) > MAX_ASPECT_RATIO * Math.min(width, height)) {
    fail(
      'extreme_aspect_ratio',
      `${name} is ${width}×${height} pixels, a strip rather than a photo: its long side may be at most ${MAX_ASPECT_RATIO} times its short side`,
      { ...where, width, height },
    );
  }

  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  const uprightW = swap ? height : width;
  const uprightH = swap ? width : height;
  const scale = Math.min(1, cfg.maxWorkingSide / Math.max(uprightW, uprightH));

  const warnings: ImageWarningCode[] = [];
  const channels = meta.channels ?? 3;
  const isGrey = channels <= 2 || meta.space === 'b-w' || meta.space === 'grey16';
  if (isGrey) warnings.push('greyscale');
  // An alpha channel that is opaque everywhere (common in exported PNGs) changes nothing: no warning.
  if (meta.hasAlpha && !(await isOpaque(buf, name, where))) warnings.push('alpha_flattened');
  // An animated GIF or WebP, a multi-image HEIF or TIFF: only the first image is decoded.
  if ((meta.pages ?? 1) > 1) warnings.push('animated_first_frame');
  if (scale < 1) warnings.push('downscaled');

  const decodePixels = (failOn: 'warning' | 'truncated') => {
    let pipeline = sharp(buf, { failOn, limitInputPixels: cfg.maxPixels, pages: 1 }).autoOrient();
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: cfg.alphaBackground });
    if (scale < 1) {
      // No side rounds to 0 pixels (strips are refused above, but a small `maxWorkingSide` can still
      // do it): it keeps at least 1, stretched to fit rather than cropped.
      const w = Math.round(uprightW * scale);
      const h = Math.round(uprightH * scale);
      pipeline = pipeline.resize(Math.max(1, w), Math.max(1, h), {
        kernel: 'lanczos3',
        fit: w < 1 || h < 1 ? 'fill' : 'cover',
      });
    }
    return pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  };
  const { data, info } = await decodeWith(decodePixels, name, where);
  if (info.channels !== 3)
    fail('corrupt_image', `${name} decoded to ${info.channels} channels, expected 3`, where);
  // A grey photo saved as RGB has three equal channels: as colourless as a one-channel one.
  if (!isGrey && looksGrey(data)) warnings.push('greyscale');

  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    source: {
      path,
      format: format as ImageFormat,
      width: uprightW,
      height: uprightH,
      bytes: buf.length,
      exifOrientation: orientation,
      channels,
      hasAlpha: Boolean(meta.hasAlpha),
      sha256: createHash('sha256').update(buf).digest('hex'),
    },
    scale: info.width / uprightW,
    warnings,
  };
}
