import { readFileSync } from 'node:fs';
import type { Point2 } from '../util/index.js';
import { ASSETS, assetUrl } from '../runtime/index.js';
import { polygonMask } from '../util/index.js';
import { MESH_CONTOURS } from './mesh-indices.js';

/**
 * The clinical vocabulary of endoface: named facial regions, each with the signs of Cushing's
 * syndrome or acromegaly it shows (DESIGN.md §3). Features, the simulator, explanations and reports
 * all take region names from here.
 *
 * A region is an index set on the 468-point mesh. The sets are drawn once, as polygons on the
 * canonical mesh (the mean aligned mesh of 140 studio faces, canonical-mesh.json): a vertex belongs
 * to the region whose polygon holds its canonical position. On a given face, each pixel of the crop
 * takes the region of its nearest mesh vertex (a Voronoi partition), so regions follow the face's own
 * shape, never overlap and leave no gaps.
 * "Right" and "left" are the subject's (the subject's right is on the photo's left).
 */
export const REGION_NAMES = [
  'forehead',
  'browRidge',
  'eyeRight',
  'eyeLeft',
  'nose',
  'cheekRight',
  'cheekLeft',
  'upperLip',
  'lips',
  'chin',
  'jawRight',
  'jawLeft',
  'preauricularRight',
  'preauricularLeft',
] as const;
export type RegionName = (typeof REGION_NAMES)[number];

export interface RegionDefinition {
  label: string;
  /** Signs visible in this region, by condition. */
  signs: { cushing: string[]; acromegaly: string[] };
  /** Polygon on the canonical aligned crop, in fractions of the crop side. */
  canonicalPolygon: Point2[];
}

const mirror = (poly: Point2[]): Point2[] => poly.map(([x, y]) => [1 - x, y] as Point2).reverse();

const EYE: Point2[] = [
  [0.24, 0.4],
  [0.28, 0.35],
  [0.36, 0.34],
  [0.44, 0.36],
  [0.46, 0.41],
  [0.42, 0.45],
  [0.34, 0.46],
  [0.27, 0.44],
];
const CHEEK: Point2[] = [
  [0.2, 0.45],
  [0.28, 0.46],
  [0.4, 0.47],
  [0.395, 0.58],
  [0.375, 0.66],
  [0.3, 0.69],
  [0.2, 0.66],
];
const JAW: Point2[] = [
  [0.2, 0.66],
  [0.3, 0.69],
  [0.375, 0.66],
  [0.37, 0.86],
  [0.42, 0.95],
  [0.3, 0.92],
  [0.2, 0.82],
  [0.15, 0.7],
];
const PREAURICULAR: Point2[] = [
  [0.1, 0.36],
  [0.2, 0.36],
  [0.2, 0.66],
  [0.1, 0.66],
];

export const REGIONS: Readonly<Record<RegionName, RegionDefinition>> = Object.freeze({
  forehead: {
    label: 'forehead',
    signs: {
      cushing: ['hirsutism (women)', 'acne'],
      acromegaly: ['frontal bossing', 'coarse skin, deep furrows'],
    },
    canonicalPolygon: [
      [0.16, 0.27],
      [0.22, 0.15],
      [0.35, 0.1],
      [0.5, 0.09],
      [0.65, 0.1],
      [0.78, 0.15],
      [0.84, 0.27],
      [0.6, 0.265],
      [0.5, 0.28],
      [0.4, 0.265],
    ],
  },
  browRidge: {
    label: 'brow ridge',
    signs: { cushing: [], acromegaly: ['prominent supraorbital ridge', 'frontal bossing'] },
    canonicalPolygon: [
      [0.16, 0.27],
      [0.4, 0.265],
      [0.5, 0.28],
      [0.6, 0.265],
      [0.84, 0.27],
      [0.84, 0.345],
      [0.6, 0.335],
      [0.5, 0.36],
      [0.4, 0.335],
      [0.16, 0.345],
    ],
  },
  eyeRight: { label: 'right eye', signs: { cushing: [], acromegaly: [] }, canonicalPolygon: EYE },
  eyeLeft: { label: 'left eye', signs: { cushing: [], acromegaly: [] }, canonicalPolygon: mirror(EYE) },
  nose: {
    label: 'nose',
    signs: { cushing: [], acromegaly: ['enlarged nose', 'widened alae'] },
    canonicalPolygon: [
      [0.46, 0.355],
      [0.54, 0.355],
      [0.555, 0.47],
      [0.6, 0.55],
      [0.615, 0.615],
      [0.56, 0.635],
      [0.44, 0.635],
      [0.385, 0.615],
      [0.4, 0.55],
      [0.445, 0.47],
    ],
  },
  cheekRight: {
    label: 'right cheek',
    signs: {
      cushing: ['moon face (full, wide cheeks)', 'plethora (redness)', 'acne'],
      acromegaly: ['prominent cheekbones'],
    },
    canonicalPolygon: CHEEK,
  },
  cheekLeft: {
    label: 'left cheek',
    signs: {
      cushing: ['moon face (full, wide cheeks)', 'plethora (redness)', 'acne'],
      acromegaly: ['prominent cheekbones'],
    },
    canonicalPolygon: mirror(CHEEK),
  },
  upperLip: {
    label: 'upper lip / philtrum',
    signs: { cushing: ['hirsutism (women)'], acromegaly: ['deep nasolabial folds'] },
    canonicalPolygon: [
      [0.385, 0.635],
      [0.615, 0.635],
      [0.63, 0.7],
      [0.5, 0.695],
      [0.37, 0.7],
    ],
  },
  lips: {
    label: 'lips',
    signs: { cushing: [], acromegaly: ['thick lips', 'macrocheilia'] },
    canonicalPolygon: [
      [0.37, 0.725],
      [0.42, 0.695],
      [0.5, 0.69],
      [0.58, 0.695],
      [0.63, 0.725],
      [0.58, 0.78],
      [0.5, 0.795],
      [0.42, 0.78],
    ],
  },
  chin: {
    label: 'chin',
    signs: {
      cushing: ['hirsutism (women)', 'double chin'],
      acromegaly: ['prognathism, protruding chin', 'long lower face'],
    },
    canonicalPolygon: [
      [0.37, 0.79],
      [0.5, 0.8],
      [0.63, 0.79],
      [0.63, 0.86],
      [0.58, 0.95],
      [0.5, 0.96],
      [0.42, 0.95],
      [0.37, 0.86],
    ],
  },
  jawRight: {
    label: 'right jaw / mandible',
    signs: { cushing: ['soft, rounded jaw line (moon face)'], acromegaly: ['enlarged mandible'] },
    canonicalPolygon: JAW,
  },
  jawLeft: {
    label: 'left jaw / mandible',
    signs: { cushing: ['soft, rounded jaw line (moon face)'], acromegaly: ['enlarged mandible'] },
    canonicalPolygon: mirror(JAW),
  },
  preauricularRight: {
    label: 'right preauricular (towards the ear)',
    signs: {
      cushing: ['sideburn hirsutism (women)', 'facial width'],
      acromegaly: ['large ears (where visible)'],
    },
    canonicalPolygon: PREAURICULAR,
  },
  preauricularLeft: {
    label: 'left preauricular (towards the ear)',
    signs: {
      cushing: ['sideburn hirsutism (women)', 'facial width'],
      acromegaly: ['large ears (where visible)'],
    },
    canonicalPolygon: mirror(PREAURICULAR),
  },
});

interface CanonicalMesh {
  points: [number, number, number][];
  source: string;
  licence: string;
}

/** The canonical mesh (mean aligned mesh of the 140 studio faces), loaded once. */
export const CANONICAL_MESH: CanonicalMesh = JSON.parse(
  readFileSync(assetUrl(ASSETS.canonicalMesh), 'utf8'),
) as CanonicalMesh;

function inside(p: readonly number[], poly: readonly Point2[]): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function distanceToPolygon(p: readonly number[], poly: readonly Point2[]): number {
  if (inside(p, poly)) return 0;
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [ax, ay] = poly[j];
    const [bx, by] = poly[i];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t =
      len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - ax) * (bx - ax) + (p[1] - ay) * (by - ay)) / len2)) : 0;
    best = Math.min(best, Math.hypot(p[0] - ax - t * (bx - ax), p[1] - ay - t * (by - ay)));
  }
  return best;
}

/** Vertices this close (fraction of the crop side) to a region's polygon join it, so borders leave no gaps. */
const SNAP_DISTANCE = 0.04;

/** Region of each of the 468 mesh vertices (index into REGION_NAMES), or -1 for none (temples). */
export const VERTEX_REGION: Int8Array = (() => {
  const out = new Int8Array(468).fill(-1);
  CANONICAL_MESH.points.forEach((p, v) => {
    let best = -1;
    let bestD = SNAP_DISTANCE;
    REGION_NAMES.forEach((name, r) => {
      const d = distanceToPolygon(p, REGIONS[name].canonicalPolygon);
      if (d < bestD || (d === 0 && best < 0)) {
        bestD = d;
        best = r;
      }
    });
    out[v] = best;
  });
  return out;
})();

/** The same structure on the other side (`cheekRight` ↔ `cheekLeft`); a midline region is its own mirror. */
export function mirrorRegion(name: RegionName): RegionName {
  const other = name.endsWith('Right')
    ? name.replace(/Right$/, 'Left')
    : name.endsWith('Left')
      ? name.replace(/Left$/, 'Right')
      : name;
  return other as RegionName;
}

/** The mesh indices of a region. */
export function regionIndices(name: RegionName): number[] {
  const r = REGION_NAMES.indexOf(name);
  return [...VERTEX_REGION.keys()].filter((v) => VERTEX_REGION[v] === r);
}

/**
 * Labels every pixel of an aligned crop with its region: the region of the nearest mesh vertex, for
 * pixels inside the face oval grown by `margin` (a fraction of the crop side, so the jaw line and the
 * preauricular band reach just past the silhouette). -1 = no region.
 */
export function regionLabelMap(
  meshCrop: readonly (readonly number[])[],
  width: number,
  height: number,
  margin = 0.03,
): Int8Array {
  const labels = new Int8Array(width * height).fill(-1);
  const oval = MESH_CONTOURS.faceOval.map((i) => meshCrop[i]);
  const cx = oval.reduce((s, p) => s + p[0], 0) / oval.length;
  const cy = oval.reduce((s, p) => s + p[1], 0) / oval.length;
  const grow = margin * width;
  const grown = oval.map(([x, y]) => {
    const d = Math.hypot(x - cx, y - cy) || 1;
    return [x + ((x - cx) / d) * grow, y + ((y - cy) / d) * grow] as Point2;
  });
  const faceMask = polygonMask(width, height, grown);
  const nearest = nearestVertexFinder(meshCrop.slice(0, 468), width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (faceMask[i]) labels[i] = VERTEX_REGION[nearest(x + 0.5, y + 0.5)];
    }
  }
  return labels;
}

/**
 * Exact nearest-vertex queries over a uniform grid of buckets: search rings of cells outwards until
 * no unsearched cell can hold a closer vertex. ~20× faster than scanning all 468 vertices per pixel.
 */
function nearestVertexFinder(
  points: readonly (readonly number[])[],
  width: number,
  height: number,
): (x: number, y: number) => number {
  const cell = 8;
  const cols = Math.ceil(width / cell) + 1;
  const rows = Math.ceil(height / cell) + 1;
  const buckets: number[][] = Array.from({ length: cols * rows }, () => []);
  const cx = (v: number): number => Math.min(cols - 1, Math.max(0, Math.floor(v / cell)));
  const cy = (v: number): number => Math.min(rows - 1, Math.max(0, Math.floor(v / cell)));
  points.forEach((p, v) => buckets[cy(p[1]) * cols + cx(p[0])].push(v));
  return (x, y) => {
    const gx = cx(x);
    const gy = cy(y);
    let best = -1;
    let bestD = Infinity;
    for (let r = 0; r < Math.max(cols, rows); r++) {
      // Every cell of ring r is at least (r − 1)·cell away from the query point.
      if (best >= 0 && (r - 1) * cell > 0 && ((r - 1) * cell) ** 2 > bestD) break;
      for (let j = gy - r; j <= gy + r; j++) {
        if (j < 0 || j >= rows) continue;
        const step = j === gy - r || j === gy + r ? 1 : 2 * r || 1;
        for (let i = gx - r; i <= gx + r; i += step) {
          if (i < 0 || i >= cols) continue;
          for (const v of buckets[j * cols + i]) {
            const d = (points[v][0] - x) ** 2 + (points[v][1] - y) ** 2;
            if (d < bestD) {
              bestD = d;
              best = v;
            }
          }
        }
      }
    }
    return best;
  };
}

/** One mask (1 inside) per region from a label map. */
export function regionMasks(labels: Int8Array): Record<RegionName, Uint8Array> {
  const out = {} as Record<RegionName, Uint8Array>;
  REGION_NAMES.forEach((name, r) => {
    const m = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) if (labels[i] === r) m[i] = 1;
    out[name] = m;
  });
  return out;
}
