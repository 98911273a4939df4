export { analyzeFace, defaultFaceConfig, resolveFaceConfig, type FaceConfig } from './analyze.js';
export { alignFace, CANONICAL_TEMPLATE, defaultAlignConfig, type AlignConfig } from './align.js';
export { detectFaces, defaultDetectConfig, type DetectConfig } from './detect.js';
export {
  judgeQuality,
  measureQuality,
  defaultQualityConfig,
  QUALITY_STATUSES,
  type Limit,
  type QualityConfig,
} from './quality.js';
export { eyeCentres, MESH_CONTOURS, MESH_POINTS, MESH_SIZE } from './mesh-indices.js';
export type * from './types.js';
export { analyzeFaceBatch, type BatchOptions, type BatchOutcome } from './batch.js';
export { outcomeError, reviveError } from './batch.js';
export {
  CANONICAL_MESH,
  mirrorRegion,
  REGION_NAMES,
  regionIndices,
  regionLabelMap,
  regionMasks,
  REGIONS,
  VERTEX_REGION,
  type RegionDefinition,
  type RegionName,
} from './regions.js';
