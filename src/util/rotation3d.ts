/** 3-D rigid alignment, used to frontalise a face mesh before measuring it. */
import { symmetricEigen } from './linalg.js';

export type Point3 = [number, number, number];
/** Row-major 3×3 rotation matrix. */
export type Rotation3 = [number, number, number, number, number, number, number, number, number];

/** Eigenvector of the largest eigenvalue of a symmetric matrix. */
function largestEigenvector(a: number[][]): number[] {
  const { values, vectors } = symmetricEigen(a);
  const best = values.indexOf(Math.max(...values));
  return vectors.map((row) => row[best]);
}

/**
 * Rotation that best maps the centred points `from` onto the centred points `to` (least squares),
 * by Horn's closed-form quaternion method (Horn 1987, J. Opt. Soc. Am. A 4:629).
 */
export function fitRotation3(from: readonly Point3[], to: readonly Point3[]): Rotation3 {
  const n = from.length;
  const ca = [0, 0, 0],
    cb = [0, 0, 0];
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 3; k++) {
      ca[k] += from[i][k] / n;
      cb[k] += to[i][k] / n;
    }
  const s = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) s[r][c] += (from[i][r] - ca[r]) * (to[i][c] - cb[c]);
  }
  const [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = s;
  const N = [
    [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
    [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
    [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
    [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
  ];
  const [w, x, y, z] = largestEigenvector(N);
  return [
    w * w + x * x - y * y - z * z,
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    w * w - x * x + y * y - z * z,
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    w * w - x * x - y * y + z * z,
  ];
}

export function rotate3(r: Rotation3, p: readonly number[]): Point3 {
  return [
    r[0] * p[0] + r[1] * p[1] + r[2] * p[2],
    r[3] * p[0] + r[4] * p[1] + r[5] * p[2],
    r[6] * p[0] + r[7] * p[1] + r[8] * p[2],
  ];
}

/** Rotation about the y axis by `deg` degrees (for tests and the simulator). */
export function yawRotation(deg: number): Rotation3 {
  const a = (deg * Math.PI) / 180;
  return [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)];
}
