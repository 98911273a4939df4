import { EndofaceError } from '../core/index.js';
import { featureNames, type FaceFeatures, type FeatureSetName } from '../features/index.js';
import type { Matrix64 } from './matrix.js';

/** Column names of the concatenation of feature sets, in order. */
export function matrixColumns(sets: readonly FeatureSetName[]): string[] {
  return sets.flatMap((s) => featureNames(s));
}

/**
 * Stacks the chosen feature sets of many faces into one matrix (row per face, NaN for a missing
 * value). Every face must carry every set.
 */
export function featureMatrix(
  faces: readonly (Pick<FaceFeatures, 'sets'> & Partial<Pick<FaceFeatures, 'file' | 'sha256'>>)[],
  sets: readonly FeatureSetName[],
): Matrix64 {
  const widths = sets.map((s) => featureNames(s).length);
  const cols = widths.reduce((a, b) => a + b, 0);
  const data = new Float64Array(faces.length * cols);
  faces.forEach((f, i) => {
    let offset = i * cols;
    sets.forEach((s, k) => {
      const v = f.sets[s];
      if (!v || v.length !== widths[k]) {
        throw new EndofaceError(
          'feature_mismatch',
          `${f.file ?? f.sha256}: feature set ${s} is missing or has the wrong length`,
          {
            file: f.file,
            set: s,
          },
        );
      }
      data.set(v, offset);
      offset += widths[k];
    });
  });
  return { data, rows: faces.length, cols };
}
