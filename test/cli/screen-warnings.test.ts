import assert from 'node:assert/strict';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';

const PHOTO = resolve('examples/female_agata.jpg');

test('screen: a greyscale photo gets its colour-dependent screen withheld with a reason, and unusable sex/age values are named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-warn-'));
  await copyFile(PHOTO, join(dir, 'colour.jpg'));
  await sharp(PHOTO).greyscale().jpeg({ quality: 95 }).toFile(join(dir, 'grey.jpg'));
  // Headers in another case are still read; 'x' and '250' cannot be used and must be said.
  await writeFile(join(dir, 'manifest.csv'), 'file,Sex,Age\ncolour.jpg,F,31\ngrey.jpg,x,250\n');
  const r = runCli(['screen', join(dir, 'manifest.csv'), '--json', '--no-cache']);
  assert.equal(r.status, 0, r.stderr);
  const { results } = JSON.parse(r.stdout) as {
    results: {
      file: string;
      reference?: string;
      referenceGroup?: { sexFrom: string; ageFrom: string };
      warnings?: { code: string; message: string }[];
      conditions: Record<string, { screen?: unknown; withheld?: { code: string; message: string } }>;
    }[];
  };
  const [colour, grey] = results;
  assert.match(colour.reference ?? '', /^normal women aged 30–44 \(n = \d+\)/);
  assert.equal(colour.warnings, undefined);
  assert.ok(colour.conditions.cushing.screen && !colour.conditions.cushing.withheld);

  assert.equal(grey.conditions.cushing.screen, undefined);
  assert.equal(grey.conditions.cushing.withheld?.code, 'features_missing');
  assert.ok(grey.conditions.acromegaly.screen, 'the descriptor screen is still scored');
  assert.deepEqual(
    grey.warnings?.map((w) => w.code),
    ['invalid_covariate', 'invalid_covariate'],
  );
  // Neither value could be used: the face network's estimate chooses the group, and says so.
  assert.match(grey.warnings?.[0].message ?? '', /the sex estimated from the face \(female\) is used/);
  assert.match(grey.warnings?.[1].message ?? '', /the age estimated from the face \(\d+\) is used/);
  assert.match(grey.reference ?? '', /^normal women aged [\d–]+ \(n = \d+\)/);
  assert.deepEqual([grey.referenceGroup?.sexFrom, grey.referenceGroup?.ageFrom], ['estimated', 'estimated']);
  assert.deepEqual(
    [colour.referenceGroup?.sexFrom, colour.referenceGroup?.ageFrom],
    ['manifest', 'manifest'],
  );

  // The text output says the same.
  const text = runCli(['screen', join(dir, 'manifest.csv'), '--no-cache']);
  assert.match(
    text.stdout,
    /screen result withheld — cushing not scored: \d+ of its features are missing \(a greyscale photo has no skin colour\)/,
  );
  assert.match(text.stdout, /warning: invalid_covariate: sex "x"/);
  assert.match(
    text.stdout,
    /compared with: normal women aged [\d–]+ \(n = \d+\) — sex and age estimated from the face; give --sex and --age to choose/,
  );
});
