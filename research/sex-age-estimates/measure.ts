/**
 * How good is the face network's own sex and age estimate (src/features/sex-age.ts), which chooses a
 * photo's normative reference group when no sex or age is given? Measured on labelled public faces —
 * the two studio sets (all 140) and a sample of UTKFace adults stratified by sex and age band, outside
 * the default model's normative sample: sex accuracy, age error, how often the estimate picks the
 * reference group the labels would, and how far the normative percentiles move with it.
 * Writes research/sex-age-estimates/report.md next to this script.
 *
 * Usage: npx tsx research/sex-age-estimates/measure.ts [--per-stratum 80] [--processes 2] [--reuse]
 * (≈ 10 min on 2 cores with the defaults). Each photo is analysed as the jobs analyse it (decode,
 * detect, align) and FaceRes's two heads are read on the aligned crop; the shipped age decoding is
 * compared with two others from the same outputs. `--reuse` redoes the report from the last run's
 * measurements (kept in .cache/, outside the repository).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONDITIONS } from '../../src/core/index.js';
import {
  analysePhoto,
  decodeSexAge,
  featuresOfAnalysis,
  runSexAgeHeads,
  sexAgeVersion,
} from '../../src/features/index.js';
import {
  ageBandOf,
  AGE_BANDS,
  assessNormative,
  loadBundle,
  type NormativeModel,
  type Sex,
} from '../../src/model/index.js';
import { wilsonInterval } from '../../src/stats/index.js';
import { SOURCES, studioPhotos, utkPhotos, type PublicPhoto } from '../../tools/lib/public-data.js';

const { values: args } = parseArgs({
  options: {
    'per-stratum': { type: 'string', default: '80' },
    processes: { type: 'string', default: '2' },
    part: { type: 'string' },
    reuse: { type: 'boolean', default: false },
  },
});

/** One photo's outcome: its labels, the analysis verdict and, with a face, the network's heads and the normative features. */
interface Measured {
  set: string;
  file: string;
  sex: Sex;
  age: number;
  face: boolean;
  quality?: string;
  maleProbability?: number;
  ageProbabilities?: number[];
  morphometrics?: number[];
  colour?: number[];
}

const adult = (p: PublicPhoto) => (p.age ?? 0) >= 18;
const utkStratum = (p: PublicPhoto) => `${p.sex}|${ageBandOf(p.age)}`;

/**
 * The studio faces, and UTKFace adults outside the default normative model's sample (the same call
 * as tools/build-default-model.ts), so that their percentiles are read against faces they are not among.
 */
function cohort(perStratum: number): PublicPhoto[] {
  const normative = new Set(
    utkPhotos({ filter: adult, stratum: utkStratum, perStratum: 150 }).map((p) => p.file),
  );
  return [
    ...studioPhotos(),
    ...utkPhotos({
      filter: (p) => adult(p) && !normative.has(p.file),
      stratum: utkStratum,
      perStratum,
      seed: 21,
    }),
  ];
}

/** A child process: measures every `of`-th photo from `part`, one JSON line per photo. */
async function measurePart(photos: readonly PublicPhoto[], part: number, of: number): Promise<void> {
  for (let i = part; i < photos.length; i += of) {
    const p = photos[i];
    const row: Measured = { set: p.set, file: p.file, sex: p.sex!, age: p.age!, face: false };
    try {
      const { analysis } = await analysePhoto(await readFile(p.file), p.file);
      if (analysis.primary && analysis.aligned) {
        const [h] = (await runSexAgeHeads([analysis.aligned.image])).heads;
        const { sets } = await featuresOfAnalysis(analysis, ['morphometrics', 'colour']);
        Object.assign(row, {
          face: true,
          quality: analysis.quality.status,
          maleProbability: h.maleProbability,
          ageProbabilities: Array.from(h.ageProbabilities, (v) => Number(v.toPrecision(4))),
          morphometrics: Array.from(sets.morphometrics!),
          colour: Array.from(sets.colour!),
        });
      }
    } catch (e) {
      row.quality = `error: ${(e as Error).message}`;
    }
    process.stdout.write(JSON.stringify(row) + '\n');
  }
}

/** Runs the parts in child processes and gathers their lines, with a progress line. */
async function measureAll(total: number, processes: number, perStratum: number): Promise<Measured[]> {
  const rows: Measured[] = [];
  const started = Date.now();
  const part = (k: number) =>
    new Promise<void>((done, fail) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          import.meta.filename,
          '--part',
          `${k}/${processes}`,
          '--per-stratum',
          `${perStratum}`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let rest = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          rows.push(JSON.parse(line) as Measured);
          if (rows.length % 100 === 0 || rows.length === total)
            process.stderr.write(
              `  ${rows.length}/${total} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
            );
        }
      });
      child.on('close', (code) => (code === 0 ? done() : fail(new Error(`part ${k} exited with ${code}`))));
    });
  await Promise.all(Array.from({ length: processes }, (_, k) => part(k)));
  return rows;
}

// ---- the numbers ----

type Decoding = (probabilities: readonly number[]) => number;
const SHIPPED = 'expected value Σ year × p (shipped)';
const HUMAN = 'argmax year, moved towards its likelier neighbour by 10 × its p (as @vladmandic/human)';
const DECODINGS: Record<string, Decoding> = {
  [SHIPPED]: (p) => decodeSexAge(0.5, p)!.age,
  [HUMAN]: (p) => {
    const top = p.indexOf(Math.max(...p));
    const [below, above] = [p[top - 1] ?? 0, p[top + 1] ?? 0];
    return below > above ? top - 10 * below : top + 10 * above;
  },
  'argmax year': (p) => p.indexOf(Math.max(...p)),
};

/** The reference band of an age: under 18 counts as 18, as the jobs read an estimate. */
const bandOf = (age: number) => ageBandOf(Math.max(18, age));
const estimatedSex = (r: Measured): Sex => (r.maleProbability! > 0.5 ? 'male' : 'female');

interface Scored {
  row: Measured;
  sexRight: boolean;
  age: number;
  bandRight: boolean;
}

function score(rows: readonly Measured[], decode = DECODINGS[SHIPPED]): Scored[] {
  return rows.map((row) => {
    const age = decode(row.ageProbabilities!);
    return { row, sexRight: estimatedSex(row) === row.sex, age, bandRight: bandOf(age) === bandOf(row.age) };
  });
}

const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const quantile = (xs: readonly number[], q: number) => {
  const v = [...xs].sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo] + (v[Math.min(v.length - 1, lo + 1)] - v[lo]) * (pos - lo);
};
const pct = (k: number, n: number) => {
  const { estimate, lower, upper } = wilsonInterval(k, n);
  if (estimate === null || lower === null || upper === null) return '—';
  return `${(100 * estimate).toFixed(1)} % (${(100 * lower).toFixed(1)}–${(100 * upper).toFixed(1)})`;
};
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

const SUMMARY_HEADER = [
  '| faces | n | sex accuracy (95 % CI) | age MAE, years | median abs. error | bias (estimate − label) | age band right | reference group right (sex and band) |',
  '|---|---:|---|---:|---:|---:|---|---|',
];
function summaryRow(name: string, s: readonly Scored[]): string {
  const err = s.map((x) => x.age - x.row.age);
  const abs = err.map(Math.abs);
  const group = s.filter((x) => x.sexRight && x.bandRight).length;
  return `| ${name} | ${s.length} | ${pct(s.filter((x) => x.sexRight).length, s.length)} | ${mean(abs).toFixed(1)} | ${quantile(abs, 0.5).toFixed(1)} | ${signed(mean(err))} | ${pct(s.filter((x) => x.bandRight).length, s.length)} | ${pct(group, s.length)} |`;
}

/** The groups a photo without sex and age could be compared with: by the estimate, by its sex alone, or all. */
const CHOICES: { name: string; group: (r: Measured) => { sex?: Sex; age?: number } }[] = [
  ...[SHIPPED, HUMAN].map((decoding) => ({
    name: `estimated sex and age, ${decoding === SHIPPED ? 'shipped (expected-value)' : '@vladmandic/human’s'} age decoding`,
    group: (r: Measured) => ({
      sex: estimatedSex(r),
      age: Math.max(18, DECODINGS[decoding](r.ageProbabilities!)),
    }),
  })),
  { name: 'estimated sex, all ages', group: (r) => ({ sex: estimatedSex(r) }) },
  { name: 'all normal faces (before)', group: () => ({}) },
];

/**
 * How far each condition's normative percentile lies from the one against the labelled group, per
 * choice of group: mean absolute difference in percentile points, and the share moved by more than 10.
 */
function percentileRows(name: string, rows: readonly Measured[], model: NormativeModel): string[] {
  const at = (r: Measured, g: { sex?: Sex; age?: number }) =>
    assessNormative(model, { ...g, morphometrics: r.morphometrics!, colour: r.colour! }).conditions;
  return CONDITIONS.map((c) => {
    const labelled = rows.map((r) => at(r, { sex: r.sex, age: Math.max(18, r.age) })[c].percentile);
    const cells = CHOICES.map(({ group }) => {
      const d = rows.map((r, i) => Math.abs(at(r, group(r))[c].percentile - labelled[i]));
      return `${mean(d).toFixed(1)} | ${pct(d.filter((x) => x > 10).length, d.length)}`;
    });
    return `| ${name} | ${c} | ${rows.length} | ${cells.join(' | ')} |`;
  });
}

async function main(): Promise<void> {
  const perStratum = Number(args['per-stratum']);
  const photos = cohort(perStratum);
  if (args.part) {
    const [part, of] = args.part.split('/').map(Number);
    return measurePart(photos, part, of);
  }
  const t0 = Date.now();
  const processes = Number(args.processes);
  const order = new Map(photos.map((p, i) => [p.file, i]));
  // The measurements are kept (outside the repository: UTKFace rows) so the report can be redone with --reuse.
  const saved = join(import.meta.dirname, '..', '..', '.cache', `sex-age-estimates-${perStratum}.json`);
  let run: { minutes: string; processes: number; rows: Measured[] };
  if (args.reuse && existsSync(saved)) run = JSON.parse(await readFile(saved, 'utf8')) as typeof run;
  else {
    process.stderr.write(`measuring ${photos.length} photos in ${processes} processes\n`);
    const measured = await measureAll(photos.length, processes, perStratum);
    run = { minutes: ((Date.now() - t0) / 60000).toFixed(1), processes, rows: measured };
    await mkdir(dirname(saved), { recursive: true });
    await writeFile(saved, JSON.stringify(run));
  }
  const rows = run.rows.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
  const { minutes } = run;
  const { normative } = await loadBundle(join(import.meta.dirname, '..', '..', 'models', 'default'));
  const scoredByJobs = (r: Measured) => r.face && (r.quality === 'pass' || r.quality === 'warn');
  const sets = [
    { id: 'webmorph-3dsk', name: 'webmorph-3dsk (studio)' },
    { id: 'webmorph-canada', name: 'webmorph-canada (studio)' },
    { id: 'utkface-crop-part1', name: 'UTKFace adults (in the wild)' },
  ].map((s) => ({ ...s, rows: rows.filter((r) => r.set === s.id && scoredByJobs(r)) }));
  const studio = [...sets[0].rows, ...sets[1].rows];
  const wild = sets[2].rows;
  const counts = (set: string) => {
    const all = rows.filter((r) => r.set === set);
    const noFace = all.filter((r) => !r.face).length;
    const scored = all.filter(scoredByJobs).length;
    return `${set}: ${all.length} photos, ${scored} counted, ${all.length - noFace - scored} rejected by the quality check, ${noFace} without a face found`;
  };
  const sure = (x: Scored) => Math.max(x.row.maleProbability!, 1 - x.row.maleProbability!);
  const confidenceRow = ([lo, hi]: number[]) => {
    const cell = (s: Scored[]) => {
      const bin = s.filter((x) => sure(x) >= lo && sure(x) < hi);
      return bin.length ? `${bin.length} · ${pct(bin.filter((x) => x.sexRight).length, bin.length)}` : '—';
    };
    return `| ${lo.toFixed(2)}–${Math.min(1, hi).toFixed(2)} | ${cell(score(studio))} | ${cell(score(wild))} |`;
  };
  const lines = [
    '# The face network’s sex and age estimate, measured',
    '',
    `Generated by \`npx tsx research/sex-age-estimates/measure.ts --per-stratum ${perStratum}\` (${photos.length} photos, ${minutes} min in ${run.processes} processes). Estimate version \`${sexAgeVersion()}\`.`,
    '',
    'When a photo is screened without its sex or age (no `--sex`/`--age`, no manifest value), endoface',
    'compares it with the normal faces of the sex and age band the face network (FaceRes) estimates',
    '(src/features/sex-age.ts) and says so. This is how often that estimate is right on labelled public',
    'faces. Each photo is analysed as the jobs analyse it (decode, detect, align to the 224-px crop);',
    'only photos the jobs would score (a face found, quality pass or warn) are counted.',
    '',
    '- Studio sets: all photos; young White adults (17–35), self-reported gender.',
    `- UTKFace (crop_part1): adults (18+) outside the default model's normative sample, a seeded sample of ${perStratum} per sex × age band`,
    '  (18–29, 30–44, 45–59, 60+) before the quality check. Labels from the file names (age partly estimated by the',
    '  dataset’s authors); no identity labels, so a person may appear twice; non-commercial research only — only',
    '  statistics are kept here. FaceRes’s age and gender heads were trained on public face collections (Savchenko,',
    '  PeerJ Comput. Sci. 2019, 5:e197); whether UTKFace was among them is not checked here — if it was, its numbers',
    '  are optimistic.',
    '- Age band: the normative model’s bands; an age under 18 counts as 18 (the jobs read an estimate under 18',
    '  as the youngest adult band). "Reference group right": both the sex and the band match the labels’ —',
    '  the group the photo would have been compared with had its sex and age been given.',
    '- CIs: Wilson 95 %.',
    '',
    'The age head is read as its expected value. @vladmandic/human’s reading (the argmax year, moved towards',
    'its likelier neighbour) is closer on the young studio faces, but puts most faces aged 30–59 in the wrong',
    'band, so that against the estimated group their Cushing’s-like percentiles moved further from the right',
    'ones than against all normal faces (last two tables).',
    '',
    '## Sex accuracy and age error, by set',
    '',
    ...SUMMARY_HEADER,
    ...sets.map((s) => summaryRow(s.name, score(s.rows))),
    summaryRow('all', score([...studio, ...wild])),
    '',
    ...sets.map((s) => `- ${counts(s.id)}`),
    '',
    '## UTKFace adults by labelled age band',
    '',
    SUMMARY_HEADER[0].replace('| faces |', '| labelled band |'),
    SUMMARY_HEADER[1],
    ...AGE_BANDS.map((band) =>
      summaryRow(
        band,
        score(wild).filter((x) => bandOf(x.row.age) === band),
      ),
    ),
    '',
    '## Sex accuracy by the sex head’s confidence, max(P(male), 1 − P(male))',
    '',
    '| confidence | studio sets: n · accuracy | UTKFace adults: n · accuracy |',
    '|---|---|---|',
    ...[
      [0.5, 0.6],
      [0.6, 0.75],
      [0.75, 0.9],
      [0.9, 1.01],
    ].map(confidenceRow),
    '',
    '## What it does to the normative percentiles',
    '',
    'Each condition’s normative percentile (default model, `models/default`) against the group the labels',
    'choose, compared with the percentile against another group: mean absolute difference in percentile',
    'points, and the share of photos moved by more than 10 points. The studio faces are among the normative',
    'model’s own faces; the UTKFace sample is not.',
    '',
    `| faces | condition | n | ${CHOICES.map((c) => `${c.name}: mean | > 10 points`).join(' | ')} |`,
    `|---|---|---:|${CHOICES.map(() => '---:|---|').join('')}`,
    ...(normative
      ? [
          ...percentileRows('studio sets', studio, normative),
          ...percentileRows('UTKFace adults', wild, normative),
          ...AGE_BANDS.flatMap((band) =>
            percentileRows(
              `UTKFace ${band}`,
              wild.filter((r) => bandOf(r.age) === band),
              normative,
            ),
          ),
        ]
      : ['| (the default bundle has no normative model) |']),
    '',
    '## Age decodings compared (same network outputs)',
    '',
    `| decoding | studio MAE | studio band right | UTKFace MAE | UTKFace band right | ${AGE_BANDS.map((b) => `UTKFace ${b}: band right`).join(' | ')} |`,
    `|---|---:|---|---:|---|${AGE_BANDS.map(() => '---|').join('')}`,
    ...Object.entries(DECODINGS).map(([name, decode]) => {
      const mae = (s: Scored[]) => mean(s.map((x) => Math.abs(x.age - x.row.age))).toFixed(1);
      const band = (s: Scored[]) => pct(s.filter((x) => x.bandRight).length, s.length);
      const [a, b] = [score(studio, decode), score(wild, decode)];
      const byBand = AGE_BANDS.map((g) => band(b.filter((x) => bandOf(x.row.age) === g)));
      return `| ${name} | ${mae(a)} | ${band(a)} | ${mae(b)} | ${band(b)} | ${byBand.join(' | ')} |`;
    }),
    '',
    '## Data',
    '',
    ...(['webmorph-3dsk', 'webmorph-canada', 'utkface-crop-part1'] as const).map(
      (s) => `- \`${s}\`: ${SOURCES[s].name} — ${SOURCES[s].licence}. ${SOURCES[s].citation}.`,
    ),
    '',
  ];
  const out = join(import.meta.dirname, 'report.md');
  await writeFile(out, lines.join('\n'));
  process.stderr.write(`wrote ${out}\n`);
}

await main();
