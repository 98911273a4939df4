// What `endoface evaluate` prints: the interval level asked for, why calibration is missing, the
// matched design, and a clean refusal of an output path that is a file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

// Scores are logits (not probabilities); subjects s0–s3 have a photo under each label.
const CSV = [
  'image,subject,label,score',
  'a1.jpg,s0,1,2.1',
  'a0.jpg,s0,0,-0.4',
  'b1.jpg,s1,1,0.3',
  'b0.jpg,s1,0,-1.2',
  'c1.jpg,s2,1,1.4',
  'c0.jpg,s2,0,0.6',
  'd1.jpg,s3,1,-0.2',
  'd0.jpg,s3,0,-0.9',
  'e1.jpg,s4,1,1.1',
  'f0.jpg,s5,0,-1.6',
].join('\n');

test('evaluate prints the level asked for and warns once about scores and the matched design', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-evalcli-'));
  try {
    await writeFile(join(dir, 'p.csv'), CSV + '\n');
    const r = runCli(
      ['evaluate', '--predictions', join(dir, 'p.csv'), '--out', join(dir, 'o')].concat([
        '--level',
        '0.9',
        '--bootstrap',
        '100',
      ]),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /photo level: .*\(DeLong 90 % CI /);
    assert.match(r.stdout, /subject level: 10 rows \(subject × label\) from 6 subjects .*DeLong 90 % CI /);
    assert.doesNotMatch(r.stdout, /95 %/);
    assert.equal(r.stdout.match(/scores_not_probabilities/g)?.length, 1);
    assert.match(r.stdout, /not a probability has no Brier score, calibration/);
    assert.match(r.stdout, /warning: mixed_label_subjects: 4 of 6 subjects/);
    assert.equal(r.stdout.match(/warning: mixed_label_subjects/g)?.length, 1, 'said once');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('evaluate --out <a file> is refused with output_not_writable, no stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-evalcli-'));
  try {
    await writeFile(join(dir, 'p.csv'), CSV + '\n');
    await writeFile(join(dir, 'afile'), 'x');
    const r = runCli(['evaluate', '--predictions', join(dir, 'p.csv'), '--out', join(dir, 'afile')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^output_not_writable: output folder .*afile is a file, not a folder/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
