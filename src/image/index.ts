export { decodeImage, defaultImageConfig } from './decode.js';
export { SUPPORTED_FORMATS } from './types.js';
export { sniffFormat, type SniffedFormat } from './sniff.js';
export type {
  DecodedImage,
  ImageConfig,
  ImageErrorCode,
  ImageFormat,
  ImageWarningCode,
  RgbImage,
} from './types.js';
