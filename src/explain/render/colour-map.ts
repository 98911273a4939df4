/**
 * The colour map of every explanation figure: Moreland's "cool to warm" diverging map (Moreland,
 * "Diverging color maps for scientific visualization", ISVC 2009), built by interpolating in his
 * Msh space (polar CIELAB) between a blue and a red of equal lightness through a neutral white, so
 * that lightness changes evenly and symmetrically about zero and the map reads correctly in
 * greyscale and for the common colour-vision deficiencies. Signed maps use all of it (blue = pushes
 * away from the explained class, red = towards it); magnitude maps use its warm half.
 */
import { labToSrgb, srgbToLab } from '../../util/index.js';

type Msh = [number, number, number];

function toMsh(rgb: readonly [number, number, number]): Msh {
  const [L, a, b] = srgbToLab(rgb[0], rgb[1], rgb[2]);
  const M = Math.hypot(L, a, b);
  return [M, Math.acos(L / M), Math.atan2(b, a)];
}

function fromMsh([M, s, h]: Msh): [number, number, number] {
  return labToSrgb(M * Math.cos(s), M * Math.sin(s) * Math.cos(h), M * Math.sin(s) * Math.sin(h));
}

/** Hue of the saturated end seen from an unsaturated one (Moreland's "adjust hue"). */
function adjustHue([M, s, h]: Msh, mUnsat: number): number {
  if (M >= mUnsat) return h;
  const spin = (s * Math.sqrt(mUnsat * mUnsat - M * M)) / (M * Math.sin(s));
  return h > -Math.PI / 3 ? h + spin : h - spin;
}

/** Moreland's interpolation between two colours at t ∈ [0, 1], through white when hues differ. */
function interpolate(c1: Msh, c2: Msh, t: number): [number, number, number] {
  let [m1, s1, h1] = c1;
  let [m2, s2, h2] = c2;
  if (s1 > 0.05 && s2 > 0.05 && Math.abs(h1 - h2) > Math.PI / 3) {
    const mid = Math.max(m1, m2, 88);
    if (t < 0.5) {
      [m2, s2, h2] = [mid, 0, 0];
      t *= 2;
    } else {
      [m1, s1, h1] = [mid, 0, 0];
      t = 2 * t - 1;
    }
  }
  if (s1 < 0.05 && s2 > 0.05) h1 = adjustHue([m2, s2, h2], m1);
  else if (s2 < 0.05 && s1 > 0.05) h2 = adjustHue([m1, s1, h1], m2);
  return fromMsh([(1 - t) * m1 + t * m2, (1 - t) * s1 + t * s2, (1 - t) * h1 + t * h2]);
}

const COOL: [number, number, number] = [59, 76, 192];
const WARM: [number, number, number] = [180, 4, 38];
const LUT_SIZE = 257;

/** 257 colours from −1 (cool) through 0 (white) to +1 (warm). */
export const COOL_WARM: readonly (readonly [number, number, number])[] = (() => {
  const a = toMsh(COOL);
  const b = toMsh(WARM);
  return Array.from({ length: LUT_SIZE }, (_, i) => interpolate(a, b, i / (LUT_SIZE - 1)));
})();

/** The colour of a value in [−1, 1] (clipped). */
export function coolWarm(v: number): readonly [number, number, number] {
  const t = (Math.max(-1, Math.min(1, v)) + 1) / 2;
  return COOL_WARM[Math.round(t * (LUT_SIZE - 1))];
}

/** CSS hex of a colour. */
export const hex = (c: readonly number[]): string =>
  '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
