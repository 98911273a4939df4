/** Assertions on endoface's errors. */
import assert from 'node:assert/strict';
import { EndofaceError } from '../../src/core/errors.js';

/** The error a promise rejects with: an EndofaceError with `code` and a one-line message. */
export async function rejection(p: Promise<unknown>, code: string): Promise<EndofaceError> {
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
