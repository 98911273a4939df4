import { EndofaceError } from '../core/index.js';

/** A partial at every depth: what callers pass to override defaults. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges a user's deep partial over defaults. Unknown keys and values of the wrong type are
 * refused with `invalid_option` and `{ reason, where, expected }` in the details (after human's
 * `validate`), so a typo never silently falls back to a default.
 */
export function mergeChecked<T extends object>(
  defaults: T,
  partial: DeepPartial<T> | undefined,
  where = '',
): T {
  if (partial === undefined) return structuredClone(defaults);
  if (!isPlainObject(partial)) {
    throw new EndofaceError('invalid_option', `config${where} must be an object`, {
      reason: 'wrong_type',
      where: where || '.',
      expected: 'object',
    });
  }
  const out: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) {
    const path = `${where}.${key}`;
    if (!(key in out)) {
      throw new EndofaceError('invalid_option', `unknown config key ${path}`, {
        reason: 'unknown_key',
        where: path,
        expected: Object.keys(out),
      });
    }
    if (value === undefined) continue;
    const base = out[key];
    if (isPlainObject(base)) {
      out[key] = mergeChecked(base, value as DeepPartial<typeof base>, path);
    } else if (base !== null && typeof base !== typeof value) {
      throw new EndofaceError(
        'invalid_option',
        `config${path} must be a ${typeof base}, got ${typeof value}`,
        {
          reason: 'wrong_type',
          where: path,
          expected: typeof base,
        },
      );
    } else {
      out[key] = value;
    }
  }
  return out as T;
}
