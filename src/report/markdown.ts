/**
 * The human-readable summary of an evaluation (`summary.md`): the paper's tables, rounded to 3
 * decimals. metrics.json holds the same numbers at full precision.
 */
import type {
  BootstrapEstimate,
  ConfidenceInterval,
  DiagnosticAccuracy,
  ProportionEstimate,
} from '../stats/index.js';
import type { EvaluationMetrics } from './evaluation.js';

/** A confidence level as a reader says it: 0.95 → "95 %", 0.975 → "97.5 %". */
export function percent(level: number): string {
  return `${Number((level * 100).toFixed(6))} %`;
}

const f = (v: number | null | undefined, d = 3): string =>
  v === null || v === undefined ? 'n/a' : v.toFixed(d);
const ci = (c: { lower: number | null; upper: number | null } | null | undefined): string =>
  c === null || c === undefined || c.lower === null || c.upper === null
    ? 'n/a'
    : `${f(c.lower)}${c.lower < 0 ? ' to ' : '–'}${f(c.upper)}`;
const withCi = (c: ProportionEstimate | ConfidenceInterval | null | undefined): string =>
  c === null || c === undefined ? 'n/a' : `${f(c.estimate)} (${ci(c)})`;
const boot = (b: BootstrapEstimate | null | undefined): ConfidenceInterval | null =>
  b?.bca ?? b?.percentile ?? null;
const pv = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(3));

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function discriminationRow(name: string, a: DiagnosticAccuracy): string[] {
  const cal = a.calibration;
  return [
    name,
    String(a.nCases),
    String(a.nPositive),
    String(a.nSubjects),
    f(a.auc.estimate),
    ci(a.auc.delong),
    ci(boot(a.auc.bootstrap)),
    `${f(a.averagePrecision.estimate)} (${ci(boot(a.averagePrecision.bootstrap))})`,
    cal === null ? 'n/a' : `${f(cal.brier.estimate)} (${ci(boot(cal.brier.bootstrap))})`,
    cal === null ? 'n/a' : withCi(cal.fit.slope),
    cal === null ? 'n/a' : withCi(cal.fit.intercept),
  ];
}

function thresholdTable(a: DiagnosticAccuracy): string {
  const rows = a.thresholds.map((t) => {
    const m = t.metrics;
    const b = t.bootstrap;
    return [
      t.name,
      f(m.threshold, 4),
      withCi(m.sensitivity),
      withCi(m.specificity),
      withCi(m.ppv),
      withCi(m.npv),
      withCi(m.accuracy),
      `${f(m.balancedAccuracy)} (${ci(boot(b?.balancedAccuracy))})`,
      `${f(m.f1)} (${ci(boot(b?.f1))})`,
      `${f(m.mcc)} (${ci(boot(b?.mcc))})`,
    ];
  });
  const prevalence = a.thresholds[0]?.metrics.atPrevalence;
  let out = table(
    [
      'threshold',
      'value',
      'sensitivity',
      'specificity',
      'PPV',
      'NPV',
      'accuracy',
      'balanced accuracy',
      'F1',
      'MCC',
    ],
    rows,
  );
  if (prevalence) {
    out +=
      `\n\nAt a prevalence of ${prevalence.prevalence}:\n\n` +
      table(
        ['threshold', 'PPV', 'NPV'],
        a.thresholds.map((t) => [
          t.name,
          withCi(t.metrics.atPrevalence?.ppv),
          withCi(t.metrics.atPrevalence?.npv),
        ]),
      );
  }
  return out;
}

/** Renders the summary Markdown. */
export function evaluationMarkdown(m: EvaluationMetrics): string {
  const parts: string[] = [];
  parts.push(`# endoface evaluation\n\n> **${m.disclaimer}**`);
  const inputs = [
    `- Predictions: \`${m.inputs.predictions.file}\` (${m.inputs.predictions.rows} rows, sha256 \`${m.inputs.predictions.sha256.slice(0, 16)}…\`)`,
  ];
  if (m.inputs.readers)
    inputs.push(
      `- Readers: \`${m.inputs.readers.file}\` (${m.inputs.readers.rows} rows, sha256 \`${m.inputs.readers.sha256.slice(0, 16)}…\`)`,
    );
  const mixed = m.mixedLabelSubjects;
  const strata =
    mixed === 0
      ? 'stratified by label'
      : `stratified by label pattern (${mixed} subjects have photos under both labels: a matched case–control design, each subject resampled with all its photos)`;
  inputs.push(
    `- endoface ${m.software.version}; ${percent(m.options.level)} intervals; subject bootstrap with ${m.options.nResamples} replicates (seed ${m.options.seed}), ${strata}; subject scores = ${m.subject.aggregation} of photo scores${mixed === 0 ? '' : ', per subject and label'}.`,
  );
  parts.push(inputs.join('\n'));
  parts.push(
    '## Discrimination and calibration\n\n' +
      table(
        [
          'level',
          'cases',
          'positives',
          'subjects',
          'AUC',
          'DeLong CI',
          'bootstrap CI',
          'average precision',
          'Brier',
          'calibration slope',
          'calibration intercept',
        ],
        [
          discriminationRow('photo', m.photo),
          discriminationRow(`subject (${m.subject.aggregation})`, m.subject),
        ],
      ) +
      '\n\nDeLong and Wilson intervals treat each case as independent; bootstrap intervals (BCa) resample subjects, so they account for several photos of one person.' +
      (mixed === 0
        ? ''
        : " DeLong also ignores the pairing of a subject's case and control photos: read the bootstrap interval.") +
      ' Calibration slope and intercept: logistic recalibration on logit(score), Wald intervals.',
  );
  parts.push(
    `## At pre-declared thresholds — photo level\n\nWilson intervals for proportions; bootstrap (BCa, by subject) for balanced accuracy, F1, MCC. Score ≥ threshold is positive.\n\n${thresholdTable(m.photo)}`,
  );
  parts.push(`## At pre-declared thresholds — subject level\n\n${thresholdTable(m.subject)}`);
  if (m.readers !== null) {
    const r = m.readers;
    const rows = r.readers.map((x) => {
      const pt = x.operatingPoints[0];
      return [
        x.reader,
        x.level ?? '',
        x.scale,
        String(x.nImages),
        x.scale === 'binary' ? withCi(x.metrics?.sensitivity) : withCi(x.readerAuc),
        x.scale === 'binary' ? withCi(x.metrics?.specificity) : '',
        x.scale === 'binary' && pt
          ? `${pt.position} (${pt.sensitivityGap >= 0 ? '+' : ''}${f(pt.sensitivityGap)})`
          : '',
        x.delong
          ? `DeLong z = ${x.delong.statistic.toFixed(2)}, p = ${pv(x.delong.pValue)}`
          : x.mcnemar
            ? `McNemar sens p = ${pv(x.mcnemar.onPositives.exact.pValue)} (mid-p ${pv(x.mcnemar.onPositives.midP.pValue)}), spec p = ${pv(x.mcnemar.onNegatives.exact.pValue)} (mid-p ${pv(x.mcnemar.onNegatives.midP.pValue)})`
            : '',
        f(x.kappaWithModel),
      ];
    });
    parts.push(
      '## Comparison with readers\n\n' +
        r.summary.map((s) => `- ${s}`).join('\n') +
        '\n\n' +
        table(
          [
            'reader',
            'level',
            'scale',
            'images',
            'sensitivity / AUC',
            'specificity',
            'point vs model ROC (Δ sensitivity)',
            `test vs model (threshold ${m.options.readerThreshold})`,
            'kappa with model',
          ],
          rows,
        ) +
        (r.interReaderKappa.length > 0
          ? '\n\nInter-reader agreement:\n\n' +
            table(
              ['readers', 'scale', 'images', 'kappa'],
              r.interReaderKappa.map((k) => [
                k.readers.join(' / '),
                `${k.scale} (${k.weights})`,
                String(k.nImages),
                f(k.kappa),
              ]),
            )
          : ''),
    );
  }
  for (const level of ['photo', 'subject'] as const) {
    for (const t of m.subgroups[level]) {
      parts.push(
        `## Subgroups by ${t.covariate} — ${level} level (threshold ${t.threshold})\n\n` +
          table(
            [
              'value',
              'n',
              'positives',
              'negatives',
              'AUC (DeLong CI)',
              'sensitivity',
              'specificity',
              'PPV',
              'NPV',
            ],
            t.rows.map((row) => [
              row.value,
              String(row.n),
              String(row.nPositive),
              String(row.nNegative),
              withCi(row.auc),
              withCi(row.sensitivity),
              withCi(row.specificity),
              withCi(row.ppv),
              withCi(row.npv),
            ]),
          ),
      );
    }
  }
  if (m.warnings.length > 0)
    parts.push(
      '## Warnings\n\n' +
        m.warnings.map((w) => `- \`${w.code}\` (${w.metric ?? ''}): ${w.message}`).join('\n'),
    );
  return parts.join('\n\n') + '\n';
}
