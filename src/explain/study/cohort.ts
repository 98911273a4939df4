/**
 * Cohort-level explanations: the mean region importance over many photos, by class, with each
 * subject weighing the same whatever their number of photos (as in training), and how often each
 * region ranks first (and first decisively).
 */
import { EndofaceError } from '../../core/index.js';
import { REGION_NAMES, REGIONS, type RegionName } from '../../face/index.js';
import type { RegionAttribution } from '../engine/attribution.js';
import { rankingVector } from '../engine/attribution.js';

/** One explained photo of a cohort. */
export interface CohortPhoto {
  file?: string;
  /** Subject id (default: the file, i.e. one subject per photo). */
  subject?: string;
  /** Class label of the photo (default `all`). */
  label?: string;
  regions: RegionAttribution;
}

/** One region's summary within a class. */
export interface CohortRegionSummary {
  region: RegionName;
  label: string;
  /**
   * Mean importance over subjects (each subject: the mean of their photos) — of what the photos'
   * rankings follow: `importance`, or `contrast` to normal faces (see `rankedBy`).
   */
  meanImportance: number;
  /** Mean |importance| over subjects. */
  meanAbsImportance: number;
  /** Standard deviation of the subject means. */
  sd: number;
  /** Share of photos in which the region ranks first. */
  rankedFirst: number;
  /** Share of photos in which it ranks first and the explanation is decisive (lead.ts). */
  decisiveFirst: number;
}

/** The result of {@link cohortRegionImportance}: one block per class, regions by mean importance. */
export interface CohortRegionImportance {
  /** What the values are: probability-scale importance, or logit contrast to normal faces. */
  rankedBy: 'importance' | 'contrast';
  /** How the regions were hidden (`RegionAttribution.method`), the same for every photo. */
  method: RegionAttribution['method'];
  byClass: {
    label: string;
    photos: number;
    subjects: number;
    /** Share of the class's photos whose explanation is decisive. */
    decisive: number;
    regions: CohortRegionSummary[];
  }[];
}

/**
 * Mean region importance over a set of explained photos, by class label. Regions are listed most
 * important first (by mean signed importance).
 */
export function cohortRegionImportance(photos: readonly CohortPhoto[]): CohortRegionImportance {
  const labels = [...new Set(photos.map((p) => p.label ?? 'all'))].sort();
  const rankedBy = photos[0]?.regions.rankedBy ?? 'importance';
  if (photos.some((p) => p.regions.rankedBy !== rankedBy))
    throw new EndofaceError(
      'invalid_input',
      'a cohort mixes photos ranked by importance and by contrast to normal faces; explain them alike',
      {},
    );
  const method = photos[0]?.regions.method ?? 'region-masking';
  if (photos.some((p) => p.regions.method !== method))
    throw new EndofaceError(
      'invalid_input',
      `a cohort mixes region methods (${[...new Set(photos.map((p) => p.regions.method))].join(', ')}); explain them alike`,
      {},
    );
  return {
    rankedBy,
    method,
    byClass: labels.map((label) => {
      const members = photos.filter((p) => (p.label ?? 'all') === label);
      const bySubject = new Map<string, Float64Array[]>();
      members.forEach((p, i) => {
        const key = p.subject ?? p.file ?? `photo${i}`;
        (bySubject.get(key) ?? bySubject.set(key, []).get(key)!).push(rankingVector(p.regions));
      });
      const subjectMeans = [...bySubject.values()].map((vs) =>
        REGION_NAMES.map((_, r) => vs.reduce((s, v) => s + v[r], 0) / vs.length),
      );
      const n = subjectMeans.length;
      const regions = REGION_NAMES.map((region, r) => {
        const values = subjectMeans.map((m) => m[r]);
        const mean = values.reduce((a, b) => a + b, 0) / n;
        return {
          region,
          label: REGIONS[region].label,
          meanImportance: mean,
          meanAbsImportance: values.reduce((a, b) => a + Math.abs(b), 0) / n,
          sd: n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0,
          rankedFirst: members.filter((p) => p.regions.regions[0].region === region).length / members.length,
          decisiveFirst:
            members.filter((p) => p.regions.regions[0].region === region && p.regions.lead.decisive).length /
            members.length,
        };
      });
      regions.sort((a, b) => b.meanImportance - a.meanImportance);
      const decisive = members.filter((p) => p.regions.lead.decisive).length / members.length;
      return { label, photos: members.length, subjects: n, decisive, regions };
    }),
  };
}
