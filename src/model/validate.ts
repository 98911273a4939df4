/**
 * Input checks of the model stage (after scikit-learn's `check_X_y` and `check_array`): each throws
 * an {@link EndofaceError} whose code a script can branch on and whose details name the parameter
 * and the offending position (0-based `row` / `column`).
 */
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import type { Matrix } from './matrix.js';

/** Reason codes thrown by the model stage. */
export type ModelErrorCode = ReasonSubset<
  | 'invalid_input'
  | 'invalid_feature'
  | 'invalid_label'
  | 'length_mismatch'
  | 'single_class'
  | 'missing_class'
  | 'too_few_subjects'
  | 'feature_mismatch'
  | 'invalid_option'
  | 'invalid_pipeline'
>;

/** Throws a model error with a code, a one-line message and details. */
export function modelError(
  code: ModelErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): never {
  throw new EndofaceError<ModelErrorCode>(code, message, details);
}

/**
 * Refuses a matrix with no rows or columns, or with a NaN/±Infinity (naming its row and column).
 * With `allowMissing`, NaN marks a missing value and is accepted (the standardiser imputes it);
 * ±Infinity is still refused.
 */
export function checkMatrix(X: Matrix, name = 'X', options: { allowMissing?: boolean } = {}): void {
  if (!(X.rows > 0 && X.cols > 0) || X.data.length !== X.rows * X.cols) {
    modelError('invalid_input', `${name} must be a non-empty ${X.rows} × ${X.cols} matrix`, {
      parameter: name,
      rows: X.rows,
      cols: X.cols,
      length: X.data.length,
    });
  }
  const { data, cols } = X;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]) && !(options.allowMissing && Number.isNaN(data[k]))) {
      const rowIndex = Math.floor(k / cols);
      const col = k % cols;
      modelError('invalid_feature', `${name}[${rowIndex}, ${col}] is ${data[k]}; features must be finite`, {
        parameter: name,
        row: rowIndex,
        column: col,
      });
    }
  }
}

/** Checks that a per-row array has one entry per row of X. */
export function checkLength(values: ArrayLike<unknown>, rows: number, name: string): void {
  if (values.length !== rows) {
    modelError('length_mismatch', `${name} has ${values.length} values but X has ${rows} rows`, {
      parameter: name,
      length: values.length,
      expected: rows,
    });
  }
}

/**
 * Converts class labels to integer indices 0 … nClasses−1 and checks that every class is
 * present (`single_class` when only one is, `invalid_label` for a value out of range).
 */
export function toClassIndices(
  y: ArrayLike<number>,
  nClasses: number,
  classNames: readonly string[] = [],
  name = 'y',
): Int32Array {
  const out = new Int32Array(y.length);
  const counts = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= nClasses) {
      modelError(
        'invalid_label',
        `${name}[${i}] is ${String(v)}; labels must be integers 0…${nClasses - 1}`,
        {
          parameter: name,
          row: i,
          value: v,
        },
      );
    }
    out[i] = v;
    counts[v]++;
  }
  const present = counts.filter((c) => c > 0).length;
  if (present < nClasses) {
    const missing = counts.flatMap((c, k) => (c === 0 ? [classNames[k] ?? String(k)] : []));
    const code = present <= 1 ? 'single_class' : 'missing_class';
    modelError(code, `${name} has no rows of class ${missing.join(', ')}; every class is needed`, {
      parameter: name,
      classCounts: counts,
      missing,
    });
  }
  return out;
}

/** Refuses a sample weight that is negative or not finite, or weights that are all zero. */
export function checkSampleWeight(w: ArrayLike<number>, rows: number): Float64Array {
  checkLength(w, rows, 'sampleWeight');
  const out = Float64Array.from(w);
  let total = 0;
  for (let i = 0; i < out.length; i++) {
    if (!(Number.isFinite(out[i]) && out[i] >= 0)) {
      modelError('invalid_input', `sampleWeight[${i}] is ${out[i]}; weights must be finite and ≥ 0`, {
        parameter: 'sampleWeight',
        row: i,
      });
    }
    total += out[i];
  }
  if (!(total > 0)) modelError('invalid_input', 'sampleWeight sums to 0', { parameter: 'sampleWeight' });
  return out;
}

/** Refuses a numeric option that is not a finite number in [min, max] (`invalid_option`). */
export function checkNumber(name: string, value: number, min: number, max = Infinity, integer = false): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    modelError(
      'invalid_option',
      `${name}=${String(value)} is not valid; expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
      { parameter: name, value, min, max },
    );
  }
}

/**
 * Reads an array of finite numbers from parsed JSON (a serialized model), of the given length when
 * one is given; anything else is `invalid_pipeline` naming the field.
 */
export function readNumbers(value: unknown, where: string, length?: number): Float64Array {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    modelError(
      'invalid_pipeline',
      `${where} must be an array${length === undefined ? '' : ` of ${length} numbers`}`,
      { where, expected: length },
    );
  }
  const out = new Float64Array(value.length);
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      modelError('invalid_pipeline', `${where}[${i}] is ${String(v)}; expected a finite number`, {
        where,
        index: i,
      });
    }
    out[i] = v;
  });
  return out;
}

/** Reads a finite number from parsed JSON, or throws `invalid_pipeline` naming the field. */
export function readNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    modelError('invalid_pipeline', `${where} must be a finite number, got ${String(value)}`, { where });
  }
  return value;
}

/** Reads an object with the given `type` from parsed JSON, or throws `invalid_pipeline`. */
export function readTyped(value: unknown, type: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== type) {
    modelError('invalid_pipeline', `${where} must be an object with type "${type}"`, {
      where,
      expected: type,
    });
  }
  return value as Record<string, unknown>;
}
