/**
 * Recognises an image container from its first bytes, so that a text file named `.jpg` is called
 * what it is (`unsupported_format`) and a real JPEG that fails to decode is `corrupt_image`.
 */
export type SniffedFormat = 'jpeg' | 'png' | 'webp' | 'tiff' | 'heif' | 'gif' | 'other-image' | 'unknown';

const startsWith = (buf: Buffer, bytes: number[], offset = 0): boolean =>
  buf.length >= offset + bytes.length && bytes.every((b, i) => buf[offset + i] === b);

export function sniffFormat(buf: Buffer): SniffedFormat {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0x52, 0x49, 0x46, 0x46]) && startsWith(buf, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  // ISO-BMFF: 'ftyp' at offset 4, brand avif/avis/heic/heix/mif1/msf1.
  if (startsWith(buf, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = buf.subarray(8, 12).toString('latin1');
    return ['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1', 'heim', 'heis'].includes(brand)
      ? 'heif'
      : 'unknown';
  }
  // Formats sharp can read but endoface does not accept for photos: BMP, JPEG 2000, JPEG XL, PDF, SVG, PSD.
  if (
    startsWith(buf, [0x42, 0x4d]) ||
    startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50]) ||
    startsWith(buf, [0xff, 0x0a]) ||
    startsWith(buf, [0x25, 0x50, 0x44, 0x46]) ||
    startsWith(buf, [0x38, 0x42, 0x50, 0x53]) ||
    /^\s*<(\?xml|svg)/i.test(buf.subarray(0, 256).toString('latin1'))
  ) {
    return 'other-image';
  }
  return 'unknown';
}

/** A short description of what non-image bytes look like, for the error message. */
export function describeBytes(buf: Buffer): string {
  const head = buf.subarray(0, 512);
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) printable++;
  return printable / Math.max(1, head.length) > 0.95
    ? 'the content is text'
    : 'the content is not a known image format';
}
