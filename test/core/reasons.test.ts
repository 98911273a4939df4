import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { flagMessage } from '../../src/cli/flags.js';
import { EndofaceError, isEndofaceError, isReasonCode, REASONS } from '../../src/core/index.js';
import { loadDataset } from '../../src/data/index.js';
import { checkExpertRatings, readHumanRoiCsv } from '../../src/explain/index.js';
import { decodeImage } from '../../src/image/index.js';
import { runTrain } from '../../src/jobs/index.js';
import { checkResamples } from '../../src/stats/index.js';
import { mergeChecked } from '../../src/util/index.js';
import { REASON_DOCS, reasonDocs } from '../../tools/make-reason-docs.js';
import { rejection } from '../helpers/errors.js';

test('docs/reason-codes.md is what tools/make-reason-docs.ts writes from the table now', () => {
  assert.equal(
    readFileSync(REASON_DOCS, 'utf8'),
    reasonDocs(),
    'docs/reason-codes.md is stale: run npx tsx tools/make-reason-docs.ts',
  );
});

test('the table: frozen, snake_case codes, a known kind, a stage and a one-line meaning each', () => {
  assert.ok(Object.isFrozen(REASONS));
  for (const [code, r] of Object.entries(REASONS)) {
    assert.match(code, /^[a-z]+(_[a-z0-9]+)*$/, code);
    assert.ok(['error', 'quality', 'warning', 'note'].includes(r.kind), code);
    assert.ok(r.stage.length > 0, code);
    assert.match(r.meaning, /^[A-Z`].*\.$/, code);
    assert.ok(!r.meaning.includes('\n'), code);
  }
  assert.ok(isReasonCode('no_face'));
  assert.ok(!isReasonCode('invalid_parameter') && !isReasonCode('toString'));
});

/** The error a call throws or a promise rejects with. */
async function caught(work: () => unknown): Promise<EndofaceError> {
  try {
    await work();
  } catch (e) {
    assert.ok(isEndofaceError(e), String(e));
    assert.ok(isReasonCode(e.code), `${e.code} is in the table`);
    return e;
  }
  assert.fail('expected an EndofaceError');
}

test('real outcomes carry their table code', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-reasons-'));
  const text = join(dir, 'notes.jpg');
  await writeFile(text, 'not a photo');
  await rejection(decodeImage(text), 'unsupported_format');

  // One bad argument is invalid_option, whichever layer refuses it (formerly also invalid_parameter, invalid_config).
  const job = await caught(() =>
    runTrain({
      data: dir,
      task: 't',
      positive: 'a',
      negative: 'b',
      out: join(dir, 'b'),
      featureSets: ['x' as 'colour'],
    }),
  );
  assert.deepEqual([job.code, job.details.parameter], ['invalid_option', 'featureSets']);
  const stats = await caught(() => checkResamples(-1));
  assert.deepEqual([stats.code, stats.details.parameter], ['invalid_option', 'nResamples']);
  assert.equal((await caught(() => mergeChecked({ a: 1 }, { b: 2 } as never))).code, 'invalid_option');

  // A path that does not exist is file_not_found, whatever it was meant to be (formerly also dataset_not_found).
  assert.equal((await caught(() => loadDataset(join(dir, 'absent.csv')))).code, 'file_not_found');
  assert.equal((await caught(() => readHumanRoiCsv(join(dir, 'absent.csv')))).code, 'file_not_found');
});

test('library messages name request parameters; the CLI turns them into flags', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-reasons-'));
  const missing = await caught(() => readHumanRoiCsv(join(dir, 'roi.csv')));
  assert.doesNotMatch(missing.message, /--/);
  assert.match((flagMessage(missing) as Error).message, /expert ratings \(--human-roi\)/);
  const human = {
    file: 'roi.csv',
    kind: 'rating' as const,
    rows: [{ reader: 'r', condition: 'acromegaly' as const, region: 'nose' as const, value: 5 }],
  };
  const few = await caught(() => checkExpertRatings(human, 'cushing'));
  assert.doesNotMatch(few.message, /--/);
  assert.match((flagMessage(few) as Error).message, /the file rates acromegaly; give --condition\)/);
});
