import { REGION_NAMES, regionLabelMap, type RegionName } from '../face/index.js';
import type { AlignedFace } from '../face/index.js';
import { srgbToLab } from '../util/index.js';

/**
 * Skin colour and texture per facial region, on the aligned crop in CIELAB: plethora (Cushing's)
 * raises a* (redness) on the cheeks relative to the forehead; hirsutism darkens the upper lip, chin
 * and sideburns (L*); coarse skin (acromegaly) and acne raise local texture. Pixels that are not
 * skin-like (specular highlights L* > 95, deep shadow or hair L* < 15) are left out of the means.
 */
export interface ColourDefinition {
  name: string;
  description: string;
  regions: RegionName[];
  cushing: -1 | 0 | 1;
  acromegaly: -1 | 0 | 1;
  /** Needs colour (a*, b*): missing on greyscale photos. */
  chromatic: boolean;
}

interface RegionStats {
  L: number;
  a: number;
  b: number;
  /** Mean |Laplacian| of L* (local texture). */
  texture: number;
  n: number;
}

const pair = (
  s: Record<RegionName, RegionStats>,
  a: RegionName,
  b: RegionName,
  k: keyof RegionStats,
): number => (s[a][k] * s[a].n + s[b][k] * s[b].n) / Math.max(1, s[a].n + s[b].n);

const C: (ColourDefinition & { compute: (s: Record<RegionName, RegionStats>) => number })[] = [
  {
    name: 'cheekA',
    description: 'mean a* (redness) of both cheeks',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 1,
    acromegaly: 0,
    chromatic: true,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'a'),
  },
  {
    name: 'cheekRednessVsForehead',
    description: 'a* of the cheeks minus a* of the forehead (plethora)',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 1,
    acromegaly: 0,
    chromatic: true,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'a') - s.forehead.a,
  },
  {
    name: 'cheekRednessVsNose',
    description: 'a* of the cheeks minus a* of the nose',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 1,
    acromegaly: 0,
    chromatic: true,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'a') - s.nose.a,
  },
  {
    name: 'foreheadA',
    description: 'mean a* of the forehead',
    regions: ['forehead'],
    cushing: 1,
    acromegaly: 0,
    chromatic: true,
    compute: (s) => s.forehead.a,
  },
  {
    name: 'cheekB',
    description: 'mean b* (yellowness) of the cheeks',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 0,
    acromegaly: 0,
    chromatic: true,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'b'),
  },
  {
    name: 'cheekL',
    description: 'mean L* (lightness) of the cheeks',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 0,
    acromegaly: 0,
    chromatic: false,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'L'),
  },
  {
    name: 'upperLipDarkness',
    description: 'L* of the cheeks minus L* of the upper lip (moustache hirsutism)',
    regions: ['upperLip'],
    cushing: 1,
    acromegaly: 0,
    chromatic: false,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'L') - s.upperLip.L,
  },
  {
    name: 'chinDarkness',
    description: 'L* of the cheeks minus L* of the chin (beard hirsutism)',
    regions: ['chin'],
    cushing: 1,
    acromegaly: 0,
    chromatic: false,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'L') - s.chin.L,
  },
  {
    name: 'sideburnDarkness',
    description: 'L* of the cheeks minus L* of the preauricular bands (sideburns)',
    regions: ['preauricularRight', 'preauricularLeft'],
    cushing: 1,
    acromegaly: 0,
    chromatic: false,
    compute: (s) =>
      pair(s, 'cheekRight', 'cheekLeft', 'L') - pair(s, 'preauricularRight', 'preauricularLeft', 'L'),
  },
  {
    name: 'cheekTexture',
    description: 'mean |Laplacian| of L* on the cheeks (acne, coarse skin)',
    regions: ['cheekRight', 'cheekLeft'],
    cushing: 1,
    acromegaly: 1,
    chromatic: false,
    compute: (s) => pair(s, 'cheekRight', 'cheekLeft', 'texture'),
  },
  {
    name: 'foreheadTexture',
    description: 'mean |Laplacian| of L* on the forehead (coarse skin, furrows)',
    regions: ['forehead'],
    cushing: 0,
    acromegaly: 1,
    chromatic: false,
    compute: (s) => s.forehead.texture,
  },
  {
    name: 'nasolabialTexture',
    description: 'mean |Laplacian| of L* on the upper lip / nasolabial area (deep folds)',
    regions: ['upperLip'],
    cushing: 0,
    acromegaly: 1,
    chromatic: false,
    compute: (s) => s.upperLip.texture,
  },
];

export const COLOUR_FEATURES: readonly ColourDefinition[] = C.map(({ compute: _c, ...d }) => d);
export const COLOUR_FEATURE_NAMES: readonly string[] = C.map((d) => d.name);
export const COLOUR_VERSION = 'colour@1';

/** CIELAB statistics of every region of an aligned crop. */
export function regionLabStats(aligned: AlignedFace, labels?: Int8Array): Record<RegionName, RegionStats> {
  const { data, width, height } = aligned.image;
  const map = labels ?? regionLabelMap(aligned.meshCrop, width, height);
  const L = new Float32Array(width * height);
  const A = new Float32Array(width * height);
  const B = new Float32Array(width * height);
  for (let i = 0; i < L.length; i++)
    [L[i], A[i], B[i]] = srgbToLab(data[3 * i], data[3 * i + 1], data[3 * i + 2]);
  const acc = REGION_NAMES.map(() => ({ L: 0, a: 0, b: 0, texture: 0, n: 0, nt: 0 }));
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const r = map[i];
      if (r < 0 || L[i] > 95 || L[i] < 15) continue;
      const s = acc[r];
      s.L += L[i];
      s.a += A[i];
      s.b += B[i];
      s.n++;
      // Texture only where all four neighbours are in the same region (no edges between regions).
      if (map[i - 1] === r && map[i + 1] === r && map[i - width] === r && map[i + width] === r) {
        s.texture += Math.abs(L[i - 1] + L[i + 1] + L[i - width] + L[i + width] - 4 * L[i]);
        s.nt++;
      }
    }
  }
  const out = {} as Record<RegionName, RegionStats>;
  REGION_NAMES.forEach((name, r) => {
    const s = acc[r];
    const n = Math.max(1, s.n);
    out[name] = { L: s.L / n, a: s.a / n, b: s.b / n, texture: s.texture / Math.max(1, s.nt), n: s.n };
  });
  return out;
}

/**
 * The colour features of an aligned face, in COLOUR_FEATURE_NAMES order. On a greyscale photo the
 * chromatic ones are NaN (missing), never a fake 0.
 */
export function computeColourFeatures(
  aligned: AlignedFace,
  options: { greyscale?: boolean; labels?: Int8Array } = {},
): Float64Array {
  const stats = regionLabStats(aligned, options.labels);
  return Float64Array.from(C, (d) => (d.chromatic && options.greyscale ? NaN : d.compute(stats)));
}
