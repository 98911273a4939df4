/**
 * The one flag parser of the CLI: every value a flag takes is checked here, before any work, and a
 * refusal (`invalid_option`) names the flag, the value received and what it takes. The library's
 * own messages name a request's parameters (`outerFolds`); `flagMessage` turns them into the flags
 * a user typed (`--folds`).
 */
import { EndofaceError, isEndofaceError } from '../core/index.js';
import { lookUpOption } from '../util/index.js';

const refuse = (
  flag: string,
  value: string,
  message: string,
  details: Record<string, unknown> = {},
): never => {
  throw new EndofaceError('invalid_option', message, { parameter: flag, value, ...details });
};

/** A decimal number (not "0x1", "1e0x" or ""), in [min, max] (or (min, max) with `open`). */
export function number(
  flag: string,
  options: { min?: number; max?: number; open?: boolean; what?: string } = {},
) {
  const { min = -Infinity, max = Infinity, open = false } = options;
  const range =
    options.what ??
    (Number.isFinite(min) && Number.isFinite(max)
      ? `a number in ${open ? '(' : '['}${min}, ${max}${open ? ')' : ']'}`
      : Number.isFinite(min)
        ? `a number ${open ? '>' : '≥'} ${min}`
        : 'a number');
  return (text: string): number => {
    const v = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : NaN;
    const inside = open ? v > min && v < max : v >= min && v <= max;
    if (!Number.isFinite(v) || !inside) refuse(flag, text, `${flag} must be ${range}, got "${text}"`);
    return v;
  };
}

/** A whole number in [min, max]. */
export function wholeNumber(flag: string, options: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number ≥ ${min}`
      : `a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
  return (text: string): number => {
    const v = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max)
      refuse(flag, text, `${flag} must be ${range}, got "${text}"`, { min, max });
    return v;
  };
}

/** One of `allowed` (a typo gets "did you mean"). */
export function choice<T extends string>(flag: string, allowed: readonly T[]) {
  return (text: string): T => lookUpOption(flag, text.trim(), allowed);
}

/** A comma-separated list: each item one of `allowed` when given, none repeated, at least one. */
export function list<T extends string = string>(flag: string, allowed?: readonly T[]) {
  return (text: string): T[] => {
    const items = [
      ...new Set(
        text
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ];
    if (items.length === 0)
      refuse(
        flag,
        text,
        `${flag} is empty; give ${allowed ? `one or more of ${allowed.join(', ')}` : 'a comma-separated list'}`,
      );
    return allowed ? items.map((x) => lookUpOption(flag, x, allowed)) : (items as T[]);
  };
}

/** A path: an empty one ("--out ''", an unset shell variable) is refused, not taken as absent. */
export function path(flag: string) {
  return (text: string): string => {
    if (text.trim() === '') refuse(flag, text, `${flag} is empty: give a path`);
    return text;
  };
}

/** The flag of a request parameter when its name is not the flag's (`outerFolds` is `--folds`). */
export type FlagNames = Record<string, string>;

const kebab = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * An error from the library with its parameters named as the command's flags. A library message
 * names a parameter in one of three places, which are the ones rewritten: at its start (`outerFolds
 * must be 2 or more` → `--folds must be 2 or more`), before `=` (`seed=x`), or in backquotes
 * (`` give `positive` and `negative` `` → `give --positive and --negative`). Errors that name no
 * parameter are returned unchanged.
 */
export function flagMessage(error: unknown, flags: FlagNames = {}): unknown {
  if (!isEndofaceError(error)) return error;
  const named = error.details.parameter;
  const parameters = (Array.isArray(named) ? named : [named]).filter(
    (p): p is string => typeof p === 'string' && !p.startsWith('-'),
  );
  let message = error.message;
  for (const p of parameters) {
    const flag = flags[p] ?? kebab(p);
    message = message
      .replace(new RegExp(`^${p}(?=$|[\\s=:,;])`), flag)
      .replace(new RegExp(`(^|[\\s(])${p}=`, 'g'), `$1${flag}=`);
  }
  // Backquoted names are parameters whether or not the details list them.
  message = message.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (_, p: string) => flags[p] ?? kebab(p));
  return message === error.message ? error : new EndofaceError(error.code, message, error.details);
}
