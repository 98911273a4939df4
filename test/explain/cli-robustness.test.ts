import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { assertRefused, runCli } from '../helpers/cli.js';

/** The quickest explanation: region masking only, the bundled model, no worker threads. */
const explain = (photos: string[], out: string, ...flags: string[]): ReturnType<typeof runCli> =>
  runCli([
    'explain',
    '-m',
    'models/default',
    ...photos,
    '-o',
    out,
    '--no-heatmap',
    '--no-saliency',
    '--no-sanity',
    '--workers',
    '0',
    ...flags,
  ]);

const ALEX = 'examples/male_alex.jpg';
const AGATA = 'examples/female_agata.jpg';
const RATINGS = 'condition,region,rating\ncushing,cheeks,5\ncushing,chin,4\ncushing,nose,3\ncushing,jaw,1\n';

test('explain refuses bad inputs up front: output folder, ratings file, --bootstrap, --baseline, --region-method', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-robust-'));
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  const roi = join(dir, 'roi.csv');
  await writeFile(roi, RATINGS);
  const out = join(dir, 'out');
  assertRefused(explain([ALEX], file), 'output_not_writable', /a-file is a file, not a folder/);
  assertRefused(
    explain([ALEX], out, '--human-roi', join(dir, 'missing.csv')),
    'file_not_found',
    /missing\.csv: no such file/,
  );
  assertRefused(
    explain([ALEX], out, '--human-roi', roi, '--condition', 'cushing', '--bootstrap', '9007199254740991'),
    'invalid_option',
    /--bootstrap must be a whole number from 0 to 1,000,000, got "9007199254740991"/,
  );
  assertRefused(explain([ALEX], out, '--baseline', join(dir, 'nowhere')), 'file_not_found', /--baseline/);
  // Flags that would be silently ignored are said.
  assertRefused(
    explain([ALEX], out, '--condition', 'cushing'),
    'invalid_option',
    /--condition does nothing without --human-roi/,
  );
  assertRefused(
    explain([ALEX], out, '--fine', '--no-heatmap'),
    'invalid_option',
    /--fine does nothing with --no-heatmap/,
  );
  assertRefused(explain([ALEX], out, '--region-method', 'features'), 'invalid_option', /"feature"/);
  // The default Cushing screen reads no descriptor network: nothing to occlude inside.
  assertRefused(
    explain([ALEX], out, '--region-method', 'feature'),
    'unsupported_feature_set',
    /screen "cushing" has none \(morphometrics, colour, colourmap\); use the pixel method/,
  );
  assert.ok(!existsSync(out), 'nothing was written');
});

test('too few expert regions for the condition is refused before any photo is explained', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-robust-'));
  const one = join(dir, 'one.csv');
  await writeFile(one, 'condition,region,rating\ncushing,cheeks,5\n');
  const other = join(dir, 'other.csv');
  await writeFile(other, 'condition,region,rating\nacromegaly,nose,5\nacromegaly,jaw,4\nacromegaly,lips,3\n');
  const out = join(dir, 'out');
  assertRefused(
    explain([ALEX], out, '--human-roi', one, '--condition', 'cushing'),
    'invalid_input',
    /experts rated 1 region\(s\) for cushing; at least 3/,
  );
  assertRefused(
    explain([ALEX], out, '--human-roi', other, '--condition', 'cushing'),
    'invalid_input',
    /rated 0 region\(s\) for cushing.*the file rates acromegaly/,
  );
  assert.ok(!existsSync(out), 'no photo was explained');
});

test('no agreement interval from one subject or too few replicates, and the reason is printed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-robust-'));
  const roi = join(dir, 'roi.csv');
  await writeFile(roi, RATINGS);
  const one = explain([ALEX], join(dir, 'one'), '--human-roi', roi, '--condition', 'cushing');
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /Spearman ρ -?\d\.\d\d, Kendall τ-b -?\d\.\d\d \(no interval: one subject/);
  const agreement = JSON.parse(await readFile(join(dir, 'one', 'agreement.json'), 'utf8')) as {
    spearman: { lower: number | null; method: string };
  };
  assert.equal(agreement.spearman.lower, null);
  const few = explain(
    [ALEX, AGATA],
    join(dir, 'few'),
    '--human-roi',
    roi,
    '--condition',
    'cushing',
    '--bootstrap',
    '1',
  );
  assert.equal(few.status, 0, few.stderr);
  assert.match(
    few.stdout,
    /\(no interval: 1 bootstrap replicate\(s\) are too few for a 95 % interval \(at least 40\)\)/,
  );
  assert.doesNotMatch(few.stdout, /ρ -?\d\.\d\d \[/);
});

test('--admit lists the statuses explained; a photo outside it is told why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-robust-'));
  const r = explain([ALEX], join(dir, 'out'), '--admit', 'reject');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /not explained: quality_rejected/);
  assert.match(
    r.stdout,
    /--admit reject: only photos of quality reject are explained; --admit pass,warn,reject/,
  );
});

test('a greyscale photo: the Cushing screen leans on skin colour, so its explanation is withheld, never decisive, and kept out of the cohort', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-grey-'));
  const grey = join(dir, 'grey.jpg');
  await sharp(ALEX).greyscale().jpeg({ quality: 95 }).toFile(grey);
  const out = join(dir, 'out');
  const r = explain([grey], out, '--screen', 'cushing');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /quality warn \(greyscale\)/);
  assert.match(
    r.stdout,
    /warning: features_missing: \d+ of the screen's features are missing on this photo \(greyscale\)/,
  );
  const e = JSON.parse(await readFile(join(out, 'grey.json'), 'utf8')) as {
    decision?: string;
    missingFeatures?: { stable: boolean };
    regions: { lead: { decisive: boolean; note?: string } };
  };
  assert.equal(e.decision, undefined);
  assert.equal(e.missingFeatures?.stable, false);
  assert.equal(e.regions.lead.decisive, false);
  assert.match(e.regions.lead.note ?? '', /hinges on \d+ features missing/);
  const csv = await readFile(join(out, 'explanations.csv'), 'utf8');
  assert.match(csv, /hinges on \d+ features missing/);
  assert.ok(!existsSync(join(out, 'cohort.json')), 'a withheld score is no finding for the cohort');
});

test('explaining the negative class keeps the screen decision (the threshold is on the positive class)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-explain-class-'));
  const decision = async (out: string, ...flags: string[]) => {
    const r = explain([ALEX], out, '--screen', 'acromegaly', ...flags);
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(await readFile(join(out, 'male_alex.json'), 'utf8')) as {
      score: number;
      decision?: string;
    };
    return e;
  };
  const positive = await decision(join(dir, 'pos'));
  const negative = await decision(join(dir, 'neg'), '--class', 'control');
  assert.ok(Math.abs(positive.score + negative.score - 1) < 1e-9, `${positive.score} + ${negative.score}`);
  assert.equal(negative.decision, positive.decision);
});
