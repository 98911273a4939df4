/**
 * The main job's answer for one photo, made from its prediction (scores, normative assessment) and
 * filled in by its explanations.
 */
import { CONDITIONS, type Condition, type Reason } from '../core/index.js';
import type { RankingLead } from '../explain/index.js';
import { REGIONS, type QualityVerdict, type RegionName } from '../face/index.js';
import type { ChosenReferenceGroup, PhotoPrediction } from './photo-scores.js';

/** The main job's answer for one photo. */
export interface ScreenResult {
  file: string;
  quality?: QualityVerdict;
  scored: boolean;
  /** Why the photo was not scored: unreadable (`file_not_found`, `corrupt_image`, …), `no_face`, `quality_rejected`, `invalid_feature`. */
  notScored?: Reason;
  /** Scored although the quality check rejected the photo, because the request admitted it: the check's reasons. */
  admittedDespite?: { status: 'reject'; reasons: string[] };
  /** Per condition: the normative score (deviation from normal faces, no patient data needed) and the trained screen. */
  conditions: Partial<
    Record<
      Condition,
      {
        normative?: { score: number; percentile: number };
        screen?: {
          probability: number;
          decision: string;
          threshold: number;
          /** Features missing on this photo and filled with training means (the decision holds without them). */
          missingFeatures?: { count: number; sets: string[]; probabilityRange?: [number, number] };
        };
        /** Why the screen's result is not given for this photo (its decision hinges on missing features). */
        withheld?: Reason;
      }
    >
  >;
  /** Manifest values that could not be used (sex, age), and what was done instead. */
  warnings?: Reason[];
  /** Regions that deviate most from normal faces of the same sex and age band, highest percentile first. */
  topRegions: { region: RegionName; label: string; percentile: number; signs: string[] }[];
  /** Per screen: the regions whose hiding lowers its probability most (region attribution), most important first. */
  drivers: Record<string, { region: RegionName; label: string; importance: number }[]>;
  /** Per screen: how the regions were hidden (`pixel`, or `combined` for a screen that reads FaceRes; explain.ts). */
  driverMethod: Record<string, string>;
  /** Per screen: how clearly the first driver leads the next structure (`decisive` from 1.5 logits, see lead.ts). */
  driverLead: Record<string, RankingLead>;
  /** The normal faces compared with, in words, with their number ("normal women aged 30–44 (n = 129)"). */
  reference?: string;
  /** The same group, and where the sex and age choosing it came from (request, manifest, estimated, none). */
  referenceGroup?: ChosenReferenceGroup;
  /** Figures written per screen: region importances painted on the photo, and the occlusion heatmap. */
  figures: Record<string, { regions: string; heatmap?: string }>;
}

export function toResult(p: PhotoPrediction, topN: number): ScreenResult {
  const conditions: ScreenResult['conditions'] = {};
  for (const c of CONDITIONS) {
    const normative = p.normative?.conditions[c];
    const screen = p.screens[c];
    const withheld = p.withheld?.[c];
    if (!normative && !screen && !withheld) continue;
    const missing = screen?.missingFeatures;
    conditions[c] = {
      ...(normative ? { normative: { score: normative.score, percentile: normative.percentile } } : {}),
      ...(screen?.probability !== undefined
        ? {
            screen: {
              probability: screen.probability,
              decision: screen.decision,
              threshold: screen.threshold,
              ...(missing
                ? {
                    missingFeatures: {
                      count: missing.missing.length,
                      // The feature sets they belong to (`colourmap.r3c4_a` → colourmap).
                      sets: [...new Set(missing.missing.map((name) => name.split('.')[0]))],
                      probabilityRange: missing.probabilityRange,
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(withheld ? { withheld: { code: withheld.code, message: withheld.message } } : {}),
    };
  }
  const topRegions = (p.normative?.regions ?? [])
    .filter((r) => Number.isFinite(r.percentile))
    .sort((a, b) => b.percentile - a.percentile || b.score - a.score)
    .slice(0, topN)
    .map((r) => ({
      region: r.region,
      label: REGIONS[r.region].label,
      percentile: r.percentile,
      signs: [
        ...REGIONS[r.region].signs.cushing.map((s) => `Cushing: ${s}`),
        ...REGIONS[r.region].signs.acromegaly.map((s) => `acromegaly: ${s}`),
      ],
    }));
  return {
    file: p.file,
    quality: p.quality,
    scored: p.scored,
    ...(p.notScored ? { notScored: p.notScored } : {}),
    ...(p.admittedDespite ? { admittedDespite: p.admittedDespite } : {}),
    ...(p.warnings ? { warnings: p.warnings } : {}),
    conditions,
    topRegions,
    drivers: {},
    driverMethod: {},
    driverLead: {},
    reference: p.normative
      ? `${p.normative.reference.description} (n = ${p.normative.reference.n})`
      : undefined,
    ...(p.referenceGroup ? { referenceGroup: p.referenceGroup } : {}),
    figures: {},
  };
}
