// A photo that fails a quality check the user understands (the real acromegaly photo's eyes are
// masked for privacy) can be scored on request; its result says it was admitted despite the check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScreen } from '../../src/jobs/index.js';
import { dataPath } from '../helpers/data.js';
import { runCli } from '../helpers/cli.js';

const MASKED = dataPath('disease-examples', 'images', 'acromegaly_commons_frontal_crop.jpg');

test('screen scores a rejected photo only when asked, and marks it', async () => {
  const plain = await runScreen({ inputs: [MASKED], sex: 'male', age: 40 });
  assert.equal(plain.results[0].scored, false);
  assert.equal(plain.results[0].notScored?.code, 'quality_rejected');

  const admitted = await runScreen({
    inputs: [MASKED],
    sex: 'male',
    age: 40,
    admit: ['pass', 'warn', 'reject'],
  });
  const [r] = admitted.results;
  assert.equal(r.scored, true);
  assert.deepEqual(r.admittedDespite, { status: 'reject', reasons: ['eyes_occluded'] });
  assert.ok(r.conditions.acromegaly?.screen && r.conditions.acromegaly.normative);

  await assert.rejects(runScreen({ inputs: [MASKED], admit: [] }), /admit is empty/);
  const cli = runCli(['screen', MASKED, '--admit', 'pass,warn,reject', '--no-cache']);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /SCORED ALTHOUGH THE QUALITY CHECK REJECTED IT \(--admit reject\).*eyes_occluded/);
  const typo = runCli(['screen', MASKED, '--admit', 'pass,rejct', '--no-cache']);
  assert.match(typo.stderr, /invalid_option: --admit="rejct" is not valid; did you mean "reject"\?/);
});
