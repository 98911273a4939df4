/** Assertions on endoface's errors. */
import assert from 'node:assert/strict';
import { EndofaceError } from '../../src/core/errors.js';
import type { ReasonCode } from '../../src/core/reasons.js';

/** The error a promise rejects with: an EndofaceError with `code` and a one-line message. */
export async function rejection(p: Promise<unknown>, code: ReasonCode): Promise<EndofaceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EndofaceError, `expected EndofaceError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), 'one-line message');
    return e;
  }
  assert.fail(`expected ${code}`);
}
