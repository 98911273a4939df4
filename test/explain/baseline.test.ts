import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import {
  cohortRegionImportance,
  type PhotoExplanation,
  type RegionBaseline,
} from '../../src/explain/index.js';
import {
  contrastToBaseline,
  logitImportance,
  regionBaselineOf,
  unreadableLead,
} from '../../src/explain/engine/index.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { runCli } from '../helpers/cli.js';
import { dataPath } from '../helpers/data.js';
import { attributionOf, craftedBundle } from './helpers.js';
import { saveBundle } from '../../src/jobs/index.js';

const TARGET = {
  screen: 'crafted',
  explainedClass: 'case',
  bundle: 'crafted@0.0.1',
  fill: { detail: 'mean-face', sigmaPx: 11.2 },
};
const NOSE = REGION_NAMES.indexOf('nose');
const BROW = REGION_NAMES.indexOf('browRidge');
const logit = (p: number): number => Math.log(p / (1 - p));

test('the baseline is the per-region median logit importance over normal faces; contrast re-ranks by it', () => {
  // Four "normal" faces (an even number, out of order, different scores) on which masking the brow
  // always lowers the score a lot.
  const cases: [number, number][] = [
    [0.2, 0.15],
    [0.1, 0.02],
    [0.3, 0.25],
    [0.15, 0.1],
  ];
  const normals = cases.map(([score, drop]) =>
    attributionOf(
      REGION_NAMES.map((_, r) => (r === BROW ? drop : 0)),
      score,
    ),
  );
  const logits = cases.map(([score, drop]) => logit(score) - logit(score - drop)).sort((a, b) => a - b);
  const baseline = regionBaselineOf(normals, TARGET);
  assert.equal(baseline.n, 4);
  assert.ok(Math.abs(baseline.byRegion.browRidge - (logits[1] + logits[2]) / 2) < 1e-12, 'median of four');
  assert.equal(baseline.byRegion.nose, 0);
  // An affected face: the brow still moves the score most in probability, the nose less — but the
  // brow's effect is what it does on every normal face, so the nose ranks first by contrast.
  const face = attributionOf(
    REGION_NAMES.map((_, r) => (r === BROW ? 0.3 : r === NOSE ? 0.2 : 0)),
    0.7,
  );
  assert.equal(face.regions[0].region, 'browRidge');
  const c = contrastToBaseline(face, baseline, TARGET);
  assert.equal(c.rankedBy, 'contrast');
  assert.deepEqual(c.baseline, { method: 'median-logit-importance', n: 4 });
  assert.equal(c.regions[0].region, 'nose');
  assert.deepEqual(
    c.regions.map((r) => r.rank),
    REGION_NAMES.map((_, i) => i + 1),
  );
  const nose = c.regions[0];
  assert.ok(Math.abs(nose.contrast! - logitImportance(0.7, 0.5)) < 1e-12);
  assert.equal(nose.importance, face.regions.find((r) => r.region === 'nose')!.importance, 'importance kept');
  // The lead follows the contrast ranking (the nose is midline: it leads whatever comes second).
  assert.equal(c.lead.over, c.regions[1].region);
  assert.ok(Math.abs(c.lead.logit - (nose.contrast! - c.regions[1].contrast!)) < 1e-12);
  // A clear nose effect leads decisively by contrast — unless the screen's lead cannot be read at all
  // (isotonic scores): re-ranking keeps that verdict and its reason.
  const clear = attributionOf(
    REGION_NAMES.map((_, r) => (r === NOSE ? 0.79 : 0)),
    0.99,
  );
  assert.equal(contrastToBaseline(clear, baseline, TARGET).lead.decisive, true);
  const unread = { ...clear, lead: unreadableLead(clear.lead, 'stepped scores') };
  const kept = contrastToBaseline(unread, baseline, TARGET).lead;
  assert.equal(kept.decisive, false);
  assert.equal(kept.note, 'stepped scores');
  assert.throws(() => contrastToBaseline(face, baseline, { ...TARGET, explainedClass: 'control' }), {
    code: 'invalid_option',
  });
  assert.throws(
    () => contrastToBaseline(face, baseline, { ...TARGET, fill: { detail: 'none', sigmaPx: 11.2 } }),
    {
      code: 'invalid_option',
    },
  );
  assert.throws(() => contrastToBaseline(face, { ...baseline, n: 0 }, TARGET), /not a region baseline/);
  // A cohort must not mix the two rankings: its means would mix units.
  assert.throws(
    () =>
      cohortRegionImportance([
        { file: 'a', regions: c },
        { file: 'b', regions: face },
      ]),
    { code: 'invalid_input' },
  );
  assert.equal(cohortRegionImportance([{ file: 'a', regions: c }]).rankedBy, 'contrast');
  // Nor two region methods.
  const occluded = { ...face, method: 'feature-occlusion' as const };
  assert.throws(
    () =>
      cohortRegionImportance([
        { file: 'a', regions: occluded },
        { file: 'b', regions: face },
      ]),
    /mixes region methods \(feature-occlusion, region-masking\)/,
  );
  assert.equal(cohortRegionImportance([{ file: 'a', regions: occluded }]).method, 'feature-occlusion');
  assert.throws(() => regionBaselineOf([], TARGET), { code: 'empty_dataset' });
});

test('endoface explain --baseline measures it on normal photos, writes baseline.json, reuses it and refuses a foreign one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'endoface-baseline-'));
  const model = join(dir, 'bundle');
  await saveBundle(
    model,
    craftedBundle(['morphometrics'], {
      'morphometrics.noseWidthToInterocular': 3,
      'morphometrics.lipHeightToMouthWidth': 2,
    }),
  );
  // A photo without a face among the normals: left out, with its reason.
  const blank = join(dir, 'blank.png');
  await sharp({ create: { width: 320, height: 400, channels: 3, background: '#9a8070' } })
    .png()
    .toFile(blank);
  const normals = join(dir, 'normals.csv');
  await writeFile(
    normals,
    // A whole cohort manifest may be given: the photo labelled with the explained class is left out.
    'file,label,sex\n' +
      ['003f.jpg', '008f.jpg', '010f.jpg']
        .map((f) => `${dataPath('webmorph-canada', 'images', f)},control,female`)
        .join('\n') +
      `\n${blank},control,female\n${dataPath('webmorph-canada', 'images', '019f.jpg')},case,female\n`,
  );
  const photo = dataPath('webmorph-3dsk', 'images', 'male_alex.jpg');
  /** `endoface explain` of `input` into `out` with `--baseline`, regions only. */
  const explain = (input: string, out: string, baseline: string, ...more: string[]) =>
    runCli([
      'explain',
      '--model',
      model,
      input,
      '--out',
      out,
      '--baseline',
      baseline,
      '--workers',
      '0',
      '--no-heatmap',
      '--no-saliency',
      '--no-sanity',
      ...more,
    ]);
  const out = join(dir, 'out');
  const r = explain(photo, out, normals);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(
    r.stdout,
    /regions ranked by contrast to 3 normal faces \(2 not usable: not_normal, no_face\)/,
  );
  const baseline = JSON.parse(await readFile(join(out, 'baseline.json'), 'utf8')) as RegionBaseline;
  assert.equal(baseline.n, 3);
  assert.equal(baseline.screen, 'crafted');
  const e = JSON.parse(await readFile(join(out, 'male_alex.json'), 'utf8')) as PhotoExplanation;
  assert.equal(e.regions.rankedBy, 'contrast');
  for (const x of e.regions.regions) {
    const expected = logitImportance(e.score, x.maskedScore) - baseline.byRegion[x.region];
    assert.ok(Math.abs(x.contrast! - expected) < 1e-9, `${x.region}: ${x.contrast} vs ${expected}`);
  }
  for (let i = 1; i < 14; i++)
    assert.ok(e.regions.regions[i - 1].contrast! >= e.regions.regions[i].contrast!);
  // Only nose and lips measurements are weighed: every other region has no effect, here or on normals.
  for (const x of e.regions.regions.filter((x) => x.region !== 'nose' && x.region !== 'lips'))
    assert.equal(x.contrast, 0);

  // A photo named like a run file gets its own name: baseline.json keeps the baseline.
  const named = join(dir, 'named');
  await mkdir(named);
  await copyFile(photo, join(named, 'baseline.jpg'));
  const r6 = explain(join(named, 'baseline.jpg'), named, normals);
  assert.equal(r6.status, 0, r6.stderr);
  const kept = JSON.parse(await readFile(join(named, 'baseline.json'), 'utf8')) as RegionBaseline;
  assert.deepEqual(kept.byRegion, baseline.byRegion);
  assert.ok(existsSync(join(named, 'baseline.photo.json')));

  // The written baseline is reused as is.
  const again = join(dir, 'again');
  const r2 = explain(photo, again, join(out, 'baseline.json'));
  assert.equal(r2.status, 0, r2.stderr);
  const e2 = JSON.parse(await readFile(join(again, 'male_alex.json'), 'utf8')) as PhotoExplanation;
  assert.deepEqual(
    e2.regions.regions.map((x) => [x.region, x.contrast]),
    e.regions.regions.map((x) => [x.region, x.contrast]),
  );
  // A baseline of another screen, or a file that is not one, is refused with a reason.
  const foreign = join(dir, 'foreign.json');
  await writeFile(foreign, JSON.stringify({ ...baseline, screen: 'other' }));
  const r3 = explain(photo, again, foreign);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /invalid_option: the region baseline was measured for screen "other"/);
  for (const bad of ['{"byRegion": {}}', 'null', JSON.stringify({ ...baseline, n: 'lots' })]) {
    await writeFile(foreign, bad);
    const r4 = explain(photo, again, foreign);
    assert.equal(r4.status, 1, bad);
    assert.match(r4.stderr, /invalid_option: not a region baseline/, bad);
  }
  // Measured with one fill, refused with another: the fill is what the baseline corrects for.
  const r5 = explain(photo, again, join(out, 'baseline.json'), '--fill-detail', 'none');
  assert.equal(r5.status, 1);
  assert.match(r5.stderr, /invalid_option: the region baseline was measured for .*fill mean-face/);
});
