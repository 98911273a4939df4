/**
 * Human regions of interest: a CSV in which experts rate or rank, per condition, how much each
 * facial region matters to them — the reference the model's region importances are compared with.
 *
 * Format: `condition,region,rating` or `condition,region,rank`, optionally with `reader` (one row per
 * reader, condition and region). A higher rating means more important; rank 1 is the most important.
 * Experts name regions as clinicians do ("cheeks", "mandible", "philtrum"), not by side, so ratings
 * are compared on ten expert regions that merge the bilateral pairs of src/face/regions.ts; a
 * row naming one side ("left cheek") counts for the pair, averaged with the other side if both are
 * given.
 */
import { readFile } from 'node:fs/promises';
import { EndofaceError } from '../../core/index.js';
import type { RegionName } from '../../face/index.js';
import { fileReadError, parseCsv } from '../../io/index.js';
import { lookUpOption } from '../../util/index.js';
import { CONDITIONS, type Condition } from '../../core/index.js';

/** The regions experts are asked about: the 14 regions with bilateral pairs merged. */
export const EXPERT_REGIONS = [
  'forehead',
  'browRidge',
  'eyes',
  'nose',
  'cheeks',
  'upperLip',
  'lips',
  'chin',
  'jaw',
  'preauricular',
] as const;
export type ExpertRegion = (typeof EXPERT_REGIONS)[number];

/** The regions (src/face/regions.ts) each expert region is made of. */
export const EXPERT_REGION_MEMBERS: Readonly<Record<ExpertRegion, readonly RegionName[]>> = Object.freeze({
  forehead: ['forehead'],
  browRidge: ['browRidge'],
  eyes: ['eyeRight', 'eyeLeft'],
  nose: ['nose'],
  cheeks: ['cheekRight', 'cheekLeft'],
  upperLip: ['upperLip'],
  lips: ['lips'],
  chin: ['chin'],
  jaw: ['jawRight', 'jawLeft'],
  preauricular: ['preauricularRight', 'preauricularLeft'],
});

/** The conditions experts rate regions for: endoface's. */
export const ROI_CONDITIONS = CONDITIONS;
export type RoiCondition = Condition;

/** Lower-case letters and digits only: "Left cheek" → "leftcheek", "Cushing's" → "cushings". */
const normalise = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const REGION_SYNONYMS: Record<ExpertRegion, string[]> = {
  forehead: ['forehead', 'frontal', 'frontalbossing', 'brow bossing'],
  browRidge: [
    'browridge',
    'brow',
    'brows',
    'eyebrow',
    'eyebrows',
    'supraorbital',
    'supraorbitalridge',
    'glabella',
  ],
  eyes: ['eyes', 'eye', 'eyeright', 'eyeleft', 'righteye', 'lefteye', 'periorbital', 'orbits'],
  nose: ['nose', 'nasal', 'alae', 'nasalalae', 'nostrils', 'nosetip'],
  cheeks: [
    'cheeks',
    'cheek',
    'cheekright',
    'cheekleft',
    'rightcheek',
    'leftcheek',
    'malar',
    'cheekbones',
    'zygomatic',
  ],
  upperLip: ['upperlip', 'philtrum', 'moustache', 'mustache', 'nasolabial', 'nasolabialfolds'],
  lips: ['lips', 'lip', 'mouth', 'lowerlip'],
  chin: ['chin', 'mentum'],
  jaw: ['jaw', 'jaws', 'jawline', 'mandible', 'jawright', 'jawleft', 'rightjaw', 'leftjaw', 'lowerjaw'],
  preauricular: [
    'preauricular',
    'preauricularright',
    'preauricularleft',
    'ears',
    'ear',
    'sideburns',
    'sideburn',
    'temples',
  ],
};
const CONDITION_SYNONYMS: Record<RoiCondition, string[]> = {
  cushing: ['cushing', 'cushings', 'cushingsyndrome', 'cushingssyndrome', 'hypercortisolism', 'cs'],
  acromegaly: ['acromegaly', 'acro', 'acromegalic', 'ghexcess'],
};

const lookup = <T extends string>(table: Record<T, string[]>): Map<string, T> =>
  new Map(
    (Object.entries(table) as [T, string[]][]).flatMap(([name, words]) =>
      words.map((w) => [normalise(w), name]),
    ),
  );
const REGION_LOOKUP = lookup(REGION_SYNONYMS);
const CONDITION_LOOKUP = lookup(CONDITION_SYNONYMS);

function resolveName<T extends string>(
  kind: 'region' | 'condition',
  value: string,
  table: Map<string, T>,
  where: string,
): T {
  const hit = table.get(normalise(value));
  if (hit) return hit;
  try {
    lookUpOption(kind, normalise(value), [...table.keys()]);
  } catch (e) {
    const names = [...new Set(table.values())].join(', ');
    const hint = /did you mean "([^"]+)"/.exec((e as Error).message)?.[1];
    throw new EndofaceError(
      `unknown_${kind}`,
      `${where}: ${kind} "${value}" is not known${hint ? `; did you mean "${hint}" (${table.get(hint)})?` : ''} Known ${kind}s: ${names}`,
      { value, suggestion: hint && table.get(hint) },
    );
  }
  return hit as never;
}

/** An expert region from any accepted name ("mandible" → jaw); `unknown_region` otherwise. */
export function expertRegionOf(name: string, where = 'region'): ExpertRegion {
  return resolveName('region', name, REGION_LOOKUP, where);
}

/** A condition from any accepted name ("Cushing's syndrome" → cushing); `unknown_condition` otherwise. */
export function conditionOf(name: string, where = 'condition'): RoiCondition {
  return resolveName('condition', name, CONDITION_LOOKUP, where);
}

/** Parsed human regions of interest. */
export interface HumanRoiTable {
  file: string;
  /** `rating`: higher = more important; `rank`: 1 = most important. */
  kind: 'rating' | 'rank';
  /** One entry per reader, condition and expert region (sides averaged). */
  rows: { reader: string; condition: RoiCondition; region: ExpertRegion; value: number }[];
}

/**
 * Reads a human-ROI CSV. Throws `invalid_human_roi` (missing columns, both or neither of rating and
 * rank, a value that is not a number, a rank below 1) and `unknown_region` / `unknown_condition`
 * (naming the line and the closest known name).
 */
export function parseHumanRoiCsv(text: string, file = 'human-roi.csv'): HumanRoiTable {
  const table = parseCsv(text, file);
  const header = table.header.map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new EndofaceError('invalid_human_roi', `${file}: ${message}`, { file, ...details });
  };
  if (col('condition') < 0 || col('region') < 0)
    fail(`needs the columns condition and region (found: ${header.join(', ')})`);
  const hasRating = col('rating') >= 0;
  const hasRank = col('rank') >= 0;
  if (hasRating === hasRank)
    fail('needs exactly one of the columns rating (higher = more important) or rank (1 = most important)');
  const kind = hasRating ? 'rating' : 'rank';
  const sums = new Map<
    string,
    { reader: string; condition: RoiCondition; region: ExpertRegion; sum: number; n: number }
  >();
  table.rows.forEach((fields, i) => {
    const where = `${file} line ${table.lines[i]}`;
    const get = (name: string): string => (fields[col(name)] ?? '').trim();
    const condition = conditionOf(get('condition'), where);
    const region = expertRegionOf(get('region'), where);
    const raw = get(kind);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value))
      fail(`line ${table.lines[i]}: ${kind} is "${raw}", not a number`, { line: table.lines[i] });
    if (kind === 'rank' && value < 1)
      fail(`line ${table.lines[i]}: rank ${value} is below 1 (1 = most important)`, { line: table.lines[i] });
    const reader = col('reader') >= 0 ? get('reader') || 'reader' : 'reader';
    const key = `${reader}\u0000${condition}\u0000${region}`;
    const acc = sums.get(key) ?? { reader, condition, region, sum: 0, n: 0 };
    acc.sum += value;
    acc.n++;
    sums.set(key, acc);
  });
  if (sums.size === 0) fail('has no rows');
  return {
    file,
    kind,
    rows: [...sums.values()].map(({ reader, condition, region, sum, n }) => ({
      reader,
      condition,
      region,
      value: sum / n,
    })),
  };
}

/**
 * Reads and parses a human-ROI CSV file ({@link parseHumanRoiCsv}).
 *
 * @throws `file_not_found` naming the file when it is missing or a folder, `file_not_readable` when it
 *   cannot be read (the one errno mapping, io's fileReadError)
 */
export async function readHumanRoiCsv(path: string): Promise<HumanRoiTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a folder, not a CSV file'
          : (e as Error).message;
    throw new EndofaceError(fileReadError(e, path).code, `expert ratings (\`humanRoi\`) ${path}: ${why}`, {
      file: path,
    });
  }
  return parseHumanRoiCsv(text, path);
}
