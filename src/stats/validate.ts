/**
 * Input checks shared by every stats function (after scikit-learn's `check_consistent_length`,
 * `column_or_1d` and `assert_all_finite`). Each check throws an {@link EndofaceError} whose code a
 * script can branch on and whose details name the parameter and the offending position (0-based
 * `index`; the CSV readers translate that into a file `row`).
 */
import { EndofaceError, type ReasonSubset } from '../core/index.js';

/** Reason codes thrown by the stats stage. */
export type StatsErrorCode = ReasonSubset<
  | 'invalid_label'
  | 'invalid_score'
  | 'length_mismatch'
  | 'empty_input'
  | 'single_class'
  | 'invalid_option'
  | 'score_out_of_range'
  | 'inconsistent_subject_label'
  | 'invalid_rating'
  | 'invalid_csv'
  | 'missing_column'
  | 'duplicate_row'
  | 'unknown_image'
>;

/** Throws a stats error with a code, a one-line message and details. */
export function statsError(
  code: StatsErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): never {
  throw new EndofaceError<StatsErrorCode>(code, message, details);
}

/** Any readable sequence of numbers: a plain array or a typed array. */
export type NumericArray = ArrayLike<number>;

/** Checks that every array has the length of the first, naming the parameters that differ. */
export function checkConsistentLength(arrays: Record<string, ArrayLike<unknown>>): number {
  const entries = Object.entries(arrays);
  const [firstName, first] = entries[0];
  for (const [name, array] of entries.slice(1)) {
    if (array.length !== first.length) {
      statsError(
        'length_mismatch',
        `${name} has ${array.length} values but ${firstName} has ${first.length}; they must be equal`,
        { parameter: name, length: array.length, expected: first.length },
      );
    }
  }
  if (first.length === 0) statsError('empty_input', `${firstName} is empty`, { parameter: firstName });
  return first.length;
}

/**
 * Converts binary labels (0/1 or booleans) to a Uint8Array. Any other value, including NaN and
 * missing entries, is refused with `invalid_label` naming its index.
 */
export function toBinaryLabels(yTrue: ArrayLike<number | boolean>, name = 'yTrue'): Uint8Array {
  const out = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const v = yTrue[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) {
      statsError('invalid_label', `${name}[${i}] is ${String(v)}; labels must be 0 or 1`, {
        parameter: name,
        index: i,
        value: v,
      });
    }
  }
  return out;
}

/** Converts scores to a Float64Array, refusing NaN, ±Infinity and missing values by index. */
export function toFiniteScores(yScore: NumericArray, name = 'yScore'): Float64Array {
  const out = new Float64Array(yScore.length);
  for (let i = 0; i < yScore.length; i++) {
    const v = yScore[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      statsError('invalid_score', `${name}[${i}] is ${String(v)}; scores must be finite numbers`, {
        parameter: name,
        index: i,
        value: v === undefined ? null : String(v),
      });
    }
    out[i] = v;
  }
  return out;
}

/** Refuses probabilities outside [0, 1] (Brier score, calibration, decision curves). */
export function checkProbabilities(p: Float64Array, name = 'yProb'): void {
  for (let i = 0; i < p.length; i++) {
    if (p[i] < 0 || p[i] > 1) {
      statsError(
        'score_out_of_range',
        `${name}[${i}] is ${p[i]}; this metric needs probabilities in [0, 1]`,
        {
          parameter: name,
          index: i,
          value: p[i],
        },
      );
    }
  }
}

/** Counts positives; throws `single_class` when either class is absent. */
export function checkBothClasses(y: Uint8Array, name = 'yTrue'): { nPos: number; nNeg: number } {
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i];
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) {
    statsError(
      'single_class',
      `${name} has only ${nPos === 0 ? 'negatives' : 'positives'} (${y.length} cases); this metric needs both classes`,
      { parameter: name, nPositive: nPos, nNegative: nNeg },
    );
  }
  return { nPos, nNeg };
}

/** Validated binary labels and finite scores of equal length with both classes present. */
export interface CheckedBinaryInput {
  y: Uint8Array;
  s: Float64Array;
  nPos: number;
  nNeg: number;
}

/** The door every `(yTrue, yScore)` function goes through. */
export function checkBinaryInput(
  yTrue: ArrayLike<number | boolean>,
  yScore: NumericArray,
  names: [string, string] = ['yTrue', 'yScore'],
): CheckedBinaryInput {
  checkConsistentLength({ [names[0]]: yTrue, [names[1]]: yScore });
  const y = toBinaryLabels(yTrue, names[0]);
  const s = toFiniteScores(yScore, names[1]);
  const { nPos, nNeg } = checkBothClasses(y, names[0]);
  return { y, s, nPos, nNeg };
}

/** Checks a confidence level in (0, 1). */
export function checkLevel(level: number, name = 'level'): number {
  if (!(level > 0 && level < 1)) {
    statsError('invalid_option', `${name}=${level} must be strictly between 0 and 1 (e.g. 0.95)`, {
      parameter: name,
      value: level,
    });
  }
  return level;
}

/** Checks a number lies in a range (bounds inclusive unless stated). */
export function checkInRange(
  name: string,
  value: number,
  low: number,
  high: number,
  { lowOpen = false, highOpen = false } = {},
): number {
  const okLow = lowOpen ? value > low : value >= low;
  const okHigh = highOpen ? value < high : value <= high;
  if (!(Number.isFinite(value) && okLow && okHigh)) {
    statsError(
      'invalid_option',
      `${name}=${value} must be in ${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`,
      { parameter: name, value },
    );
  }
  return value;
}

/** Checks a positive integer parameter. */
export function checkPositiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) {
    statsError('invalid_option', `${name}=${value} must be a positive integer`, {
      parameter: name,
      value,
    });
  }
  return value;
}
