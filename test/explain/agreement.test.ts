import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  agreementChartSpec,
  cohortRegionImportance,
  conditionOf,
  regionAgreement,
  type CohortPhoto,
} from '../../src/explain/index.js';
import { expertRegionOf, parseHumanRoiCsv } from '../../src/explain/study/index.js';
import { kendallTauB, midranks, spearmanCorrcoef } from '../../src/stats/index.js';
import { checkExpertRatings } from '../../src/explain/study/agreement.js';
import { REGION_NAMES } from '../../src/face/regions.js';
import { renderSvg } from '../../src/report/plots.js';
import { attributionOf } from './helpers.js';

test('Spearman ρ and Kendall τ-b match scipy, ties included', () => {
  // scipy.stats.spearmanr / kendalltau documentation examples.
  assert.ok(Math.abs(spearmanCorrcoef([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) - 0.8207826816681233) < 1e-12);
  assert.ok(Math.abs(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) - -0.4714045207910317) < 1e-12);
  // Hand-checkable: 4 values, one swap → 5 concordant, 1 discordant pair: τ = 4/6; ρ = 1 − 6·2/(4·15) = 0.8.
  assert.ok(Math.abs(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]) - 4 / 6) < 1e-12);
  assert.ok(Math.abs(spearmanCorrcoef([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
  assert.equal(spearmanCorrcoef([1, 2, 3], [10, 20, 30]), 1);
  assert.equal(kendallTauB([1, 2, 3], [30, 20, 10]), -1);
  assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3])), 'a constant input is undefined');
  assert.deepEqual([...midranks([10, 20, 20, 30])], [1, 2.5, 2.5, 4]);
  assert.throws(() => spearmanCorrcoef([1, 2], [1]), { code: 'length_mismatch' });
});

test('expert region and condition names are mapped from clinical synonyms, with a suggestion on a typo', () => {
  assert.equal(expertRegionOf('Mandible'), 'jaw');
  assert.equal(expertRegionOf('left cheek'), 'cheeks');
  assert.equal(expertRegionOf('supraorbital ridge'), 'browRidge');
  assert.equal(expertRegionOf('philtrum'), 'upperLip');
  assert.equal(conditionOf("Cushing's syndrome"), 'cushing');
  assert.throws(
    () => expertRegionOf('noze', 'roi.csv line 3'),
    (e: Error & { code?: string }) =>
      e.code === 'unknown_region' &&
      /roi\.csv line 3/.test(e.message) &&
      /did you mean "nose"/.test(e.message),
  );
  assert.throws(() => conditionOf('diabetes'), { code: 'unknown_condition' });
});

test('the human-ROI CSV: ratings or ranks, readers, sides averaged, errors naming the line', () => {
  const t = parseHumanRoiCsv(
    'reader,condition,region,rating\nA,acromegaly,nose,5\nA,acromegaly,left cheek,1\nA,acromegaly,right cheek,3\nB,Acromegaly,Nose,4\n',
    'roi.csv',
  );
  assert.equal(t.kind, 'rating');
  assert.deepEqual(
    t.rows.map((r) => [r.reader, r.region, r.value]),
    [
      ['A', 'nose', 5],
      ['A', 'cheeks', 2],
      ['B', 'nose', 4],
    ],
  );
  assert.equal(parseHumanRoiCsv('condition,region,rank\ncushing,cheeks,1\n').kind, 'rank');
  assert.throws(() => parseHumanRoiCsv('condition,region\ncushing,cheeks\n'), { code: 'invalid_human_roi' });
  assert.throws(
    () => parseHumanRoiCsv('condition,region,rank\ncushing,cheeks,0\n', 'r.csv'),
    /line 2: rank 0/,
  );
  assert.throws(() => parseHumanRoiCsv('condition,region,rating\ncushing,cheeks,high\n'), /not a number/);
});

const EXPERT_ORDER = ['nose', 'jaw', 'lips', 'browRidge', 'chin', 'forehead', 'cheeks', 'eyes'] as const;
const members: Record<string, string[]> = {
  jaw: ['jawRight', 'jawLeft'],
  cheeks: ['cheekRight', 'cheekLeft'],
  eyes: ['eyeRight', 'eyeLeft'],
};

/** Photos whose region importances follow `strength(expert region)`, split evenly over sides. */
function cohort(strength: (rank: number) => number, n = 6): CohortPhoto[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Array<number>(REGION_NAMES.length).fill(0);
    EXPERT_ORDER.forEach((g, rank) => {
      const parts = members[g] ?? [g];
      for (const p of parts)
        v[REGION_NAMES.indexOf(p as (typeof REGION_NAMES)[number])] =
          (strength(rank) * (1 + 0.01 * i)) / parts.length;
    });
    return { file: `p${i}.jpg`, subject: `s${i >> 1}`, label: 'acromegaly', regions: attributionOf(v) };
  });
}

const ratings = (reader: string): string =>
  EXPERT_ORDER.map((g, rank) => `${reader},acromegaly,${g},${EXPERT_ORDER.length - rank}`).join('\n');

test('agreement is 1 when the model ranks regions as the experts do, −1 when reversed, with bootstrap intervals', () => {
  const human = parseHumanRoiCsv(`reader,condition,region,rating\n${ratings('A')}\n${ratings('B')}\n`);
  const same = regionAgreement(
    cohort((rank) => 10 - rank),
    human,
    { condition: 'acromegaly', nResamples: 200 },
  );
  assert.equal(same.spearman.estimate, 1);
  assert.equal(same.kendall.estimate, 1);
  assert.equal(same.spearman.lower, 1, 'every replicate agrees perfectly');
  assert.equal(same.regions.length, 8);
  assert.equal(same.photos, 6);
  assert.equal(same.subjects, 3);
  assert.equal(same.readers, 2);
  const reversed = regionAgreement(
    cohort((rank) => rank + 1),
    human,
    { condition: 'acromegaly', nResamples: 200 },
  );
  assert.equal(reversed.spearman.estimate, -1);
  assert.equal(reversed.kendall.estimate, -1);
  // Ranks instead of ratings give the same answer; too few regions is refused.
  const ranks = parseHumanRoiCsv(
    `condition,region,rank\n${EXPERT_ORDER.map((g, r) => `acromegaly,${g},${r + 1}`).join('\n')}\n`,
  );
  const byRank = regionAgreement(
    cohort((rank) => 10 - rank),
    ranks,
    { condition: 'acromegaly', nResamples: 0 },
  );
  assert.equal(byRank.spearman.estimate, 1);
  assert.ok(byRank.notes.some((n) => /one reader/.test(n)));
  assert.throws(
    () =>
      regionAgreement(
        cohort((r) => r),
        ranks,
        { condition: 'cushing' },
      ),
    { code: 'invalid_input' },
  );
});

test('a disagreeing reader widens the interval; the chart renders', async () => {
  // Reader B swaps the model's top and bottom regions.
  const swapped = EXPERT_ORDER.map(
    (g, rank) => `B,acromegaly,${g},${rank === 0 ? 1 : rank === 7 ? 8 : 8 - rank}`,
  ).join('\n');
  const human = parseHumanRoiCsv(`reader,condition,region,rating\n${ratings('A')}\n${swapped}\n`);
  const a = regionAgreement(
    cohort((rank) => 10 - rank),
    human,
    { condition: 'acromegaly', nResamples: 300, seed: 4 },
  );
  assert.ok(a.spearman.estimate! < 1 && a.spearman.estimate! > 0);
  assert.ok(a.spearman.lower! < a.spearman.estimate! && a.spearman.upper! >= a.spearman.estimate!);
  const svg = await renderSvg(agreementChartSpec([a]));
  assert.match(svg, /<svg/);
  assert.match(svg, /Spearman/);
});

test('cohort importance: subjects weigh the same, classes apart, regions most important first', () => {
  const v = (nose: number): number[] => REGION_NAMES.map((r) => (r === 'nose' ? nose : 0.01));
  const photos: CohortPhoto[] = [
    { subject: 'a', label: 'case', regions: attributionOf(v(0.3)) },
    { subject: 'a', label: 'case', regions: attributionOf(v(0.5)) },
    { subject: 'b', label: 'case', regions: attributionOf(v(0.1)) },
    { subject: 'c', label: 'control', regions: attributionOf(v(-0.2)) },
  ];
  const c = cohortRegionImportance(photos);
  assert.deepEqual(
    c.byClass.map((b) => [b.label, b.photos, b.subjects]),
    [
      ['case', 3, 2],
      ['control', 1, 1],
    ],
  );
  const nose = c.byClass[0].regions[0];
  assert.equal(nose.region, 'nose');
  assert.ok(Math.abs(nose.meanImportance - (0.4 + 0.1) / 2) < 1e-12, 'subject a counts once');
  assert.equal(nose.rankedFirst, 1);
  // Decisive only where the nose leads by ≥ 1.5 logits: at 0.5 (masked score 0, clamped: ~20.7 logits), not at
  // 0.3 (1.39 − 0.04) or 0.1; in the control photo every other region ties, so nothing leads.
  assert.ok(Math.abs(c.byClass[0].decisive - 1 / 3) < 1e-12);
  assert.ok(Math.abs(nose.decisiveFirst - 1 / 3) < 1e-12);
  assert.equal(c.byClass[1].decisive, 0);
  assert.equal(c.byClass[1].regions.at(-1)!.region, 'nose');
});

test('ratings with fewer than 3 regions for the condition are refused, naming what the file rates', () => {
  const acro = parseHumanRoiCsv(
    'condition,region,rating\nacromegaly,nose,5\nacromegaly,jaw,4\nacromegaly,lips,3\n',
    'r.csv',
  );
  assert.doesNotThrow(() => checkExpertRatings(acro, 'acromegaly'));
  assert.throws(() => checkExpertRatings(acro, 'cushing'), {
    code: 'invalid_input',
    message: /r\.csv: experts rated 0 region\(s\) for cushing; at least 3 .*the file rates acromegaly/,
  });
});

test('no agreement interval from one subject or too few replicates; the reason is in method and notes', () => {
  const human = parseHumanRoiCsv(`reader,condition,region,rating\n${ratings('A')}\n${ratings('B')}\n`);
  // Two photos of one subject: resampling subjects always draws the same photos.
  const single = regionAgreement(
    cohort((rank) => 10 - rank, 2),
    human,
    { condition: 'acromegaly', nResamples: 200 },
  );
  assert.equal(single.subjects, 1);
  assert.equal(single.spearman.estimate, 1);
  assert.equal(single.spearman.lower, null);
  assert.match(single.spearman.method, /^no interval: one subject/);
  assert.ok(single.notes.some((n) => /one subject/.test(n)));
  const few = regionAgreement(
    cohort((rank) => 10 - rank),
    human,
    { condition: 'acromegaly', nResamples: 1 },
  );
  assert.equal(few.kendall.lower, null);
  assert.match(
    few.kendall.method,
    /1 bootstrap replicate\(s\) are too few for a 95 % interval \(at least 40\)/,
  );
  assert.throws(
    () =>
      regionAgreement(
        cohort((r) => r),
        human,
        { condition: 'acromegaly', nResamples: 9007199254740991 },
      ),
    { code: 'invalid_option' },
  );
});
