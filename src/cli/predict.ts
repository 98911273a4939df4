import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { EndofaceError } from '../core/errors.js';
import { toCsv } from '../io/csv-write.js';
import { IMAGE_EXTENSIONS } from '../io/files.js';
import { prepareOutputDir, writeChecked } from '../io/output-dir.js';
import { loadBundle, predictPhotos, type PhotoPrediction } from '../model/index.js';
import { openCache } from '../jobs/cache.js';
import { createProgress } from './progress.js';

export interface PredictCliOptions {
  model: string;
  csv?: string;
  json?: boolean;
  cache?: string | boolean;
  workers: string;
}

/** One CSV row per photo; `label`/`score` follow the evaluate format when the bundle has one binary screen. */
function rows(
  preds: PhotoPrediction[],
  screens: { name: string; classes: string[] }[],
): { columns: string[]; rows: Record<string, unknown>[] } {
  const binary = screens.length === 1 && screens[0].classes.length === 2 ? screens[0] : undefined;
  const columns = [
    'image',
    'subject',
    'label',
    ...(binary ? ['score'] : []),
    'scored',
    'not_scored_reason',
    'quality',
    'quality_reasons',
    'warnings',
  ];
  for (const s of screens) columns.push(`${s.name}_probability`, `${s.name}_decision`, `${s.name}_withheld`);
  const hasNormative = preds.some((p) => p.normative);
  if (hasNormative)
    columns.push(
      'normative_cushing_percentile',
      'normative_acromegaly_percentile',
      'normative_reference',
      'top_region',
    );
  return {
    columns,
    rows: preds.map((p) => {
      const mappedLabel =
        binary && p.label !== undefined && binary.classes.includes(p.label)
          ? binary.classes.indexOf(p.label)
          : p.label;
      const row: Record<string, unknown> = {
        image: p.file,
        subject: p.subject,
        label: mappedLabel,
        score: binary ? p.screens[binary.name]?.probability : undefined,
        scored: p.scored,
        not_scored_reason: p.notScoredReason,
        quality: p.quality?.status ?? 'error',
        quality_reasons: p.quality?.reasons.map((r) => `${r.code}:${r.severity}`).join(' '),
        warnings: p.warnings?.map((w) => w.message).join('; '),
      };
      for (const s of screens) {
        const sp = p.screens[s.name];
        row[`${s.name}_probability`] = sp?.probability ?? (sp ? JSON.stringify(sp.probabilities) : undefined);
        row[`${s.name}_decision`] = sp?.decision;
        row[`${s.name}_withheld`] = p.withheld?.[s.name]?.message;
      }
      if (p.normative) {
        row.normative_cushing_percentile = p.normative.conditions.cushing.percentile;
        row.normative_acromegaly_percentile = p.normative.conditions.acromegaly.percentile;
        row.normative_reference = `${p.normative.reference.stratum} (n=${p.normative.reference.n})`;
        row.top_region = [...p.normative.regions].sort((a, b) => (b.percentile || 0) - (a.percentile || 0))[0]
          ?.region;
      }
      return { ...p.covariates, ...row };
    }),
  };
}

/**
 * Checks `--csv` before any scoring: its folder is created (or refused with `output_not_writable`
 * naming the file in the way), the path must not be a folder, nor one of the inputs or a photo (the
 * run would write over what it reads). Returns a note when it replaces an existing file.
 */
async function prepareCsvPath(csv: string, inputs: readonly string[]): Promise<string | undefined> {
  const refuse = (why: string): never => {
    throw new EndofaceError('output_not_writable', `--csv ${csv} ${why}; give another file name`, {
      parameter: 'csv',
      value: csv,
    });
  };
  const real = (p: string) => realpath(p).catch(() => resolve(p));
  const target = await real(csv);
  for (const input of inputs) if ((await real(input)) === target) refuse('is one of the inputs');
  if (IMAGE_EXTENSIONS.includes(extname(csv).toLowerCase())) refuse('has a photo’s ending');
  await prepareOutputDir(dirname(resolve(csv)));
  const existing = await stat(csv).catch(() => undefined);
  if (existing?.isDirectory()) refuse('is a folder');
  return existing ? `--csv ${csv} exists: it is replaced` : undefined;
}

/** `endoface predict`: exit 0 when at least one photo was scored. */
export async function predictCommand(inputs: string[], opts: PredictCliOptions): Promise<number> {
  const cache = openCache(opts.cache);
  const progress = createProgress('predict');
  try {
    const bundle = await loadBundle(opts.model);
    const replaced = opts.csv ? await prepareCsvPath(opts.csv, inputs) : undefined;
    if (replaced) console.error(`note: ${replaced}`);
    const preds = await predictPhotos({
      model: bundle,
      inputs,
      cache,
      workers: Number(opts.workers),
      onProgress: (d, t) => progress.update(d, t),
      onNote: (message) => console.error(`note: ${message}`),
    });
    progress.done();
    if (opts.json)
      console.log(JSON.stringify({ disclaimer: bundle.metadata.disclaimer, predictions: preds }, null, 2));
    else {
      console.log(bundle.metadata.disclaimer);
      for (const p of preds) {
        const parts = Object.entries(p.screens).map(
          ([name, s]) =>
            `${name} ${s.probability !== undefined ? s.probability.toFixed(3) : ''} → ${s.decision}`,
        );
        for (const [name, w] of Object.entries(p.withheld ?? {}))
          parts.push(`${name} withheld (${w.code}: ${w.message})`);
        if (p.normative)
          parts.push(
            `normative Cushing-like P${p.normative.conditions.cushing.percentile.toFixed(0)}, acromegaly-like P${p.normative.conditions.acromegaly.percentile.toFixed(0)}`,
          );
        console.log(
          `${basename(p.file)}  [${p.quality?.status ?? 'error'}]  ${p.scored ? parts.join('; ') : `not scored: ${p.error ? `${p.error.code}: ${p.error.message}` : p.notScoredReason}`}`,
        );
        for (const w of p.warnings ?? []) console.log(`  warning: ${w.code}: ${w.message}`);
      }
    }
    if (opts.csv) {
      const table = rows(preds, bundle.metadata.screens);
      // Written last: a failure then loses nothing already printed.
      await writeChecked(opts.csv, toCsv(table.columns, table.rows));
      if (!opts.json) console.log(`\nwrote ${opts.csv}`);
    }
    return preds.some((p) => p.scored) ? 0 : 1;
  } finally {
    cache?.close();
  }
}
