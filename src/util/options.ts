import { EndofaceError } from '../core/index.js';

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * Checks a string option against its allowed values and returns it typed; on a typo the error
 * names the parameter, the value received, the closest allowed value and the full list
 * (after MONAI's `look_up_option`).
 */
export function lookUpOption<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const closest = [...allowed].sort((a, b) => editDistance(value, a) - editDistance(value, b))[0];
  throw new EndofaceError(
    'invalid_option',
    `${name}="${value}" is not valid${closest ? `; did you mean "${closest}"?` : ''} Allowed: ${allowed.join(', ')}`,
    { parameter: name, value, allowed },
  );
}
