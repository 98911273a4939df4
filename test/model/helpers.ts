// Shared assertions of the model tests.
import assert from 'node:assert/strict';
import { isEndofaceError } from '../../src/core/errors.js';

/** An assert.throws matcher: an EndofaceError with this code (and these details). */
export const code = (c: string, detail?: Record<string, unknown>) => (e: unknown) => {
  assert.ok(isEndofaceError(e), `expected an EndofaceError, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  for (const [k, v] of Object.entries(detail ?? {})) assert.deepEqual(e.details[k], v, `details.${k}`);
  return true;
};

/** |a − b| ≤ tol, with a message naming both. */
export function near(a: number, b: number, tol: number, what = 'value'): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
}
