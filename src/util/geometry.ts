/** 2-D geometry used by alignment, drawing and the simulator. Pure functions on plain arrays. */

export type Point2 = [number, number];
/** Affine map [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type AffineMatrix = [number, number, number, number, number, number];

export function applyAffine(m: AffineMatrix, p: readonly number[]): Point2 {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: AffineMatrix): AffineMatrix {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('affine matrix is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Scale factor of a similarity (or the geometric mean scale of an affine map). */
export function affineScale(m: AffineMatrix): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}

export function distance(p: readonly number[], q: readonly number[]): number {
  return Math.hypot(p[0] - q[0], p[1] - q[1]);
}

export function midpoint(p: readonly number[], q: readonly number[]): Point2 {
  return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) taking `from` onto
 * `to` — the closed form of Umeyama (1991) in 2-D, no reflection.
 */
export function fitSimilarity(from: readonly Point2[], to: readonly Point2[]): AffineMatrix {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error('fitSimilarity needs ≥ 2 matching points');
  let mx = 0,
    my = 0,
    ux = 0,
    uy = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i][0];
    my += from[i][1];
    ux += to[i][0];
    uy += to[i][1];
  }
  mx /= n;
  my /= n;
  ux /= n;
  uy /= n;
  // With complex numbers z = x + iy, the optimum is s·e^{iθ} = Σ conj(p)·q / Σ |p|².
  let sxx = 0,
    re = 0,
    im = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i][0] - mx,
      py = from[i][1] - my;
    const qx = to[i][0] - ux,
      qy = to[i][1] - uy;
    sxx += px * px + py * py;
    re += px * qx + py * qy;
    im += px * qy - py * qx;
  }
  if (sxx < 1e-12) throw new Error('fitSimilarity: source points coincide');
  const a = re / sxx,
    b = im / sxx;
  return [a, -b, ux - (a * mx - b * my), b, a, uy - (b * mx + a * my)];
}

/**
 * Resamples an RGB image through an affine map with bilinear interpolation.
 * `dstToSrc` maps output pixel centres to source coordinates; outside the source, edge pixels are repeated
 * (a hard black border would look like an edge to the quality and feature code).
 */
export function warpAffineRgb(
  src: { data: Uint8Array; width: number; height: number },
  dstToSrc: AffineMatrix,
  width: number,
  height: number,
): { data: Uint8Array; width: number; height: number } {
  const out = new Uint8Array(width * height * 3);
  const { data, width: sw, height: sh } = src;
  const [a, b, c, d, e, f] = dstToSrc;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Pixel centres at +0.5 in both frames.
      const sx = Math.min(sw - 1, Math.max(0, a * (x + 0.5) + b * (y + 0.5) + c - 0.5));
      const sy = Math.min(sh - 1, Math.max(0, d * (x + 0.5) + e * (y + 0.5) + f - 0.5));
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy);
      const x1 = Math.min(sw - 1, x0 + 1),
        y1 = Math.min(sh - 1, y0 + 1);
      const fx = sx - x0,
        fy = sy - y0;
      const i00 = (y0 * sw + x0) * 3,
        i01 = (y0 * sw + x1) * 3,
        i10 = (y1 * sw + x0) * 3,
        i11 = (y1 * sw + x1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[i00 + ch] + (data[i01 + ch] - data[i00 + ch]) * fx;
        const bottom = data[i10 + ch] + (data[i11 + ch] - data[i10 + ch]) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { data: out, width, height };
}
