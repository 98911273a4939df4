import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromRows, stackRows, toRows } from '../../src/model/index.js';

test('stackRows puts matrices with the same columns one below the other, and refuses different widths', () => {
  const a = fromRows([
    [1, 2],
    [3, 4],
  ]);
  const b = { data: new Float32Array([5, 6, 7, 8, 9, 10]), rows: 2, cols: 2 };
  const s = stackRows([a, b]);
  assert.equal(s.rows, 4);
  assert.deepEqual(toRows(s), [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]);
  assert.throws(() => stackRows([a, fromRows([[1, 2, 3]])]), /differ in columns/);
});
