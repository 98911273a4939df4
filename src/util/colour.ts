/**
 * sRGB ↔ CIELAB (D65 white, 2° observer), the colour space of the skin-colour features and the
 * simulator's plethora. Formulas: IEC 61966-2-1 (sRGB transfer) and CIE 15:2004 (L*a*b*).
 */

const WHITE = [0.95047, 1, 1.08883];
const toLinear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number): number => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
const fInv = (t: number): number => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));

/** Linear-light value of each 8-bit sRGB level (the transfer curve is the costly part per pixel). */
const LINEAR_8BIT = Float64Array.from({ length: 256 }, (_, v) => toLinear(v / 255));
const linear = (v: number): number =>
  Number.isInteger(v) && v >= 0 && v <= 255 ? LINEAR_8BIT[v] : toLinear(v / 255);

/** 8-bit sRGB → [L*, a*, b*]. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = linear(r),
    G = linear(g),
    B = linear(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / WHITE[0];
  const y = (0.2126729 * R + 0.7151522 * G + 0.072175 * B) / WHITE[1];
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / WHITE[2];
  const fx = f(x),
    fy = f(y),
    fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** [L*, a*, b*] → 8-bit sRGB, clipped to 0–255 and rounded. */
export function labToSrgb(L: number, a: number, b: number): [number, number, number] {
  const fy = (L + 16) / 116,
    fx = fy + a / 500,
    fz = fy - b / 200;
  const x = fInv(fx) * WHITE[0],
    y = fInv(fy) * WHITE[1],
    z = fInv(fz) * WHITE[2];
  const R = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
  const G = -0.969266 * x + 1.8760108 * y + 0.041556 * z;
  const B = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
  const to8 = (c: number): number => Math.max(0, Math.min(255, Math.round(fromLinear(Math.max(0, c)) * 255)));
  return [to8(R), to8(G), to8(B)];
}
