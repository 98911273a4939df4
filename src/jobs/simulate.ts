/**
 * The `simulate` job: phantoms (real faces with simulated Cushing's or acromegaly signs at a given
 * severity) and, on request, matched controls, with a manifest `train` reads.
 */
import { copyFile, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { EndofaceError, isEndofaceError, SOFTWARE_VERSION, type Reason } from '../core/index.js';
import { analyzeFace } from '../face/index.js';
import { decodeImage } from '../image/index.js';
import { checkedWrite, isWithin, markFigureFolder, parseCsv, prepareOutputDir, toCsv } from '../io/index.js';
import {
  checkSimulateOptions,
  encodePhantom,
  refuseHueOnGrey,
  SIGNS,
  signsOf,
  SIMULATOR_VERSION,
  simulatePhenotype,
  subjectSeed,
  type Phenotype,
  type SignName,
  type SimulateOptions,
} from '../simulate/index.js';
import { startRun, type JobContext, type JobOutput } from './run.js';
import { readSourcePhotos, refuseInputsInOutput } from './simulate-inputs.js';

/** A cohort to simulate: the options of `simulatePhenotype` that apply to every subject, and the run's own. */
export interface SimulateRequest extends Pick<
  SimulateOptions,
  'condition' | 'severity' | 'signs' | 'jitter' | 'signMix'
> {
  /** A folder of photos (searched recursively) or a CSV manifest (`file[,subject_id,sex,age,…]`). */
  input: string;
  /** Output folder: `images/`, `manifest.csv`, `phantoms.json`. */
  outDir: string;
  /** Run seed; each subject's phantom is seeded by this and its subject id. Default 1. */
  seed?: number;
  /** Also write each source photo unmodified (through the same encoder) as a `control` row. Default false. */
  includeControls?: boolean;
  /** Output format. Default `jpeg` (quality 95, 4:4:4). */
  format?: 'jpeg' | 'png';
}

export interface SimulateResult extends JobOutput {
  total: number;
  phantoms: number;
  controls: number;
  /** Photos not used, with their reason code (image errors, `no_face`, `greyscale`, quality reasons). */
  skipped: (Reason & { file: string })[];
  manifestPath: string;
  /** Mean time per phantom (warp + colour + encode), milliseconds. */
  meanSimulateMs: number;
  /** Said when the output folder already held a run: where it was moved (see {@link EARLIER_RUNS}). */
  earlierRun?: string;
}

/** The fixed leading columns of `manifest.csv`; covariates, then one column per sign, then `seed`, follow. */
export const MANIFEST_COLUMNS = [
  'file',
  'subject_id',
  'label',
  'condition',
  'severity',
  'source_file',
  'sex',
  'age',
];

/** 4 decimals, but a value above 0 never becomes 0 (a row labelled with its condition has severity > 0). */
const round = (v: number): number => {
  const r = Number(v.toFixed(4));
  return r === 0 && v !== 0 ? Number(v.toPrecision(2)) : r;
};

/**
 * Where an earlier run in the output folder goes before a new one writes: `<outDir>/earlier-runs/<time>/`
 * gets its `manifest.csv`, `phantoms.json` and the images its manifest lists (same relative paths, so
 * it stays a complete cohort). Nothing is deleted, and `<outDir>/manifest.csv` never lists images of
 * another run: if the new run dies part-way, the folder has no manifest at all.
 */
export const EARLIER_RUNS = 'earlier-runs';

/** A write of the run's output (checkedWrite); any failure is fatal, never a skipped photo, and says so. */
async function writeOutput(outDir: string, path: string, data: string | Buffer): Promise<void> {
  await checkedWrite(path, () => writeFile(path, data)).catch((e: EndofaceError) => {
    throw new EndofaceError(
      e.code,
      `${e.message} (the run stopped; ${join(outDir, 'manifest.csv')} was not written)`,
      e.details,
    );
  });
}

/** {@link writeOutput} through a temporary file renamed into place: the file is whole or absent. */
async function writeWhole(outDir: string, path: string, data: string): Promise<void> {
  const partial = join(dirname(path), `.${basename(path)}.partial`);
  await writeOutput(outDir, partial, data);
  await checkedWrite(path, () => rename(partial, path));
}

/** Renames `from` to `to`, copying when they are on different file systems (`images/` a link elsewhere). */
async function move(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

/** The `file` column of an earlier manifest, or the phantoms of an earlier phantoms.json (unreadable: none). */
async function listedFiles(manifest: string, details: string): Promise<string[]> {
  const files: string[] = [];
  try {
    const table = parseCsv(await readFile(manifest, 'utf8'), manifest);
    const col = table.header.indexOf('file');
    if (col >= 0) files.push(...table.rows.map((r) => r[col]));
  } catch {
    // no manifest, or not one: only its own file is moved
  }
  try {
    const json = JSON.parse(await readFile(details, 'utf8')) as { phantoms?: { file?: unknown }[] };
    for (const p of json.phantoms ?? []) if (typeof p.file === 'string') files.push(p.file);
  } catch {
    // likewise
  }
  return [...new Set(files)];
}

/**
 * Moves an earlier run in `outDir` (its `manifest.csv`, `phantoms.json`, and the files under
 * `images/` they list) to a new folder under {@link EARLIER_RUNS}, named by the time of its
 * manifest. Images first, manifest last: the manifest is where it is only once its images are too.
 * Returns the note for the user, or nothing when there was no earlier run.
 */
async function moveEarlierRunAside(outDir: string): Promise<string | undefined> {
  const manifest = join(outDir, 'manifest.csv');
  const details = join(outDir, 'phantoms.json');
  const [m, d] = await Promise.all([manifest, details].map((f) => stat(f).catch(() => undefined)));
  const when = (m?.isFile() ? m : d?.isFile() ? d : undefined)?.mtime;
  if (!when) return undefined;
  const stamp = when.toISOString().slice(0, 19).replace(/:/g, '-');
  let dest = join(outDir, EARLIER_RUNS, stamp);
  for (let n = 2; await stat(dest).catch(() => undefined); n++)
    dest = join(outDir, EARLIER_RUNS, `${stamp}_${n}`);
  const images = resolve(outDir, 'images');
  const files: string[] = [];
  for (const f of await listedFiles(manifest, details)) {
    const path = resolve(outDir, f);
    if (isWithin(path, images) && path !== images && (await stat(path).catch(() => undefined))?.isFile())
      files.push(path);
  }
  try {
    // Marked like images/: a later run searching a folder above must not read these phantoms as photos.
    await mkdir(join(dest, 'images'), { recursive: true });
    await markFigureFolder(join(dest, 'images'));
    for (const f of files) await move(f, join(dest, relative(outDir, f)));
    if (d?.isFile()) await move(details, join(dest, 'phantoms.json'));
    if (m?.isFile()) await move(manifest, join(dest, 'manifest.csv'));
  } catch (e) {
    throw new EndofaceError(
      'output_not_writable',
      `${outDir} holds an earlier run, which could not be moved to ${dest}: ${(e as Error).message}`,
      { parameter: 'out', value: outDir, file: dest },
    );
  }
  const what = [m?.isFile() ? 'manifest.csv' : '', d?.isFile() ? 'phantoms.json' : ''].filter(Boolean);
  const others = (await readdir(images).catch(() => [])).filter((f) => !f.startsWith('.')).length;
  return (
    `${outDir} holds an earlier run (${what.join(', ')} of ${when.toISOString().slice(0, 16).replace('T', ' ')}): ` +
    `moved, with the ${files.length} ${files.length === 1 ? 'image' : 'images'} it lists, to ${dest} (delete it when no longer needed)` +
    (others > 0
      ? `; ${others} other ${others === 1 ? 'file' : 'files'} in ${join(outDir, 'images')} left as they were`
      : '')
  );
}

/**
 * Makes a cohort of phantoms (and, with `includeControls`, matched controls) from real photos and
 * writes `manifest.csv` in the format `endoface train` reads: `file,subject_id,label,…` with paths
 * relative to the manifest. A phantom and its control share the subject id (the same person):
 * a study must split by subject, so that one identity never sits on both sides of a split.
 * Photos that cannot be read, have no face or are rejected by the quality check are skipped and
 * listed with their reason, and so are greyscale photos when a sign would colour them (`greyscale`).
 * Controls pass through the same encoder as phantoms, so compression cannot give the label away.
 *
 * Refused before anything is written: severity 0 (`invalid_severity`), and an input the run would
 * write over (`input_in_output_folder`). An earlier run in `outDir` is moved to {@link EARLIER_RUNS}
 * before the first phantom; `manifest.csv` is written last, so a run that dies leaves none.
 */
export async function runSimulate(
  options: SimulateRequest,
  context: JobContext = {},
): Promise<SimulateResult> {
  const run = startRun(context);
  const { condition, severity, weights } = checkSimulateOptions(options);
  // Severity 0 leaves every photo as it is: rows labelled affected would be controls. (With jitter
  // it is refused by checkSimulateOptions; jittered draws are kept above 0.)
  if (severity === 0)
    throw new EndofaceError(
      'invalid_severity',
      `severity 0 changes no photo, yet its phantoms would be labelled ${condition}; give a severity above 0`,
      { parameter: 'severity', value: 0 },
    );
  // Before anything is read or written: the run must never write over its own manifest …
  await refuseInputsInOutput(options.input, [], options.outDir);
  const photos = await readSourcePhotos(options.input, { exclude: [options.outDir], onNote: run.note });
  // … nor over its photos.
  await refuseInputsInOutput(options.input, photos, options.outDir);
  // Before any phantom is made: an output folder that cannot be written must not waste the work.
  // (Its note on an earlier run is not used: the run is moved aside below, and said so.)
  await prepareOutputDir(options.outDir, { subfolders: ['images'], runFile: 'manifest.csv' });
  const earlierRun = await moveEarlierRunAside(options.outDir);
  // Said at once (onNote), not at the end: a run that dies part-way must still say where it went.
  if (earlierRun) run.note(earlierRun);
  const format = options.format ?? 'jpeg';
  const ext = format === 'png' ? 'png' : 'jpg';
  const seed = options.seed ?? 1;
  const signCols = signsOf(options.condition);
  const covariateCols = [
    ...new Set(photos.flatMap((p) => Object.keys(p.covariates)).filter((c) => c !== 'sex' && c !== 'age')),
  ];
  const rename = (c: string): string =>
    MANIFEST_COLUMNS.includes(c) || signCols.includes(c as SignName) || c === 'seed' ? `source_${c}` : c;
  const rows: Record<string, unknown>[] = [];
  const details: Record<string, unknown>[] = [];
  const skipped: SimulateResult['skipped'] = [];
  let simulateMs = 0;

  await run.timed('phantoms', async () => {
    for (const [i, photo] of photos.entries()) {
      run.checkCancelled();
      run.progress('simulate', i, photos.length, photo.file);
      const base = {
        subject_id: photo.subjectId,
        source_file: relative(options.outDir, photo.file),
        sex: photo.covariates.sex ?? '',
        age: photo.covariates.age ?? '',
        ...Object.fromEntries(covariateCols.map((c) => [rename(c), photo.covariates[c] ?? ''])),
      };
      try {
        const image = await decodeImage(photo.file);
        // Before face analysis: a grey photo with painted-on colour would give its label away.
        refuseHueOnGrey(image, condition, severity, weights);
        const analysis = await analyzeFace(image);
        if (analysis.quality.status === 'reject') {
          const reasons = analysis.quality.reasons.filter((r) => r.severity === 'reject');
          const codes = reasons.map((r) => r.code);
          const noFace = codes.includes('no_face');
          skipped.push({
            file: photo.file,
            // No face is its own outcome, as in the other jobs; any other rejection names its reasons.
            code: noFace ? 'no_face' : 'quality_rejected',
            message: `${noFace ? '' : `quality reject (${codes.join(', ')}): `}${reasons.map((r) => r.message).join('; ')}`,
          });
          continue;
        }
        const phantom: Phenotype = await simulatePhenotype(image, {
          condition: options.condition,
          severity: options.severity,
          signs: options.signs,
          seed: subjectSeed(seed, photo.subjectId),
          jitter: options.jitter,
          signMix: options.signMix,
          analysis,
          encode: format,
        });
        simulateMs += phantom.timings.totalMs - phantom.timings.analyzeMs;
        const file = `images/${photo.stem}_${options.condition}.${ext}`;
        await writeOutput(options.outDir, join(options.outDir, file), phantom.encoded!);
        rows.push({
          ...base,
          file,
          label: options.condition,
          condition: options.condition,
          severity: round(phantom.severity),
          ...Object.fromEntries(signCols.map((s) => [s, round(phantom.magnitudes[s])])),
          seed: phantom.seed,
        });
        details.push({
          file,
          source_file: base.source_file,
          subject_id: photo.subjectId,
          ...phantomSummary(phantom),
        });
        if (options.includeControls) {
          const control = `images/${photo.stem}_control.${ext}`;
          await writeOutput(
            options.outDir,
            join(options.outDir, control),
            await encodePhantom(image, format),
          );
          rows.push({
            ...base,
            file: control,
            label: 'control',
            condition: '',
            severity: 0,
            ...Object.fromEntries(signCols.map((s) => [s, 0])),
            seed: '',
          });
        }
      } catch (e) {
        if (!isEndofaceError(e) || e.code === 'output_not_writable') throw e;
        skipped.push({ file: photo.file, code: e.code, message: e.message });
      }
    }
  });
  run.progress('simulate', photos.length, photos.length);

  const columns = [...MANIFEST_COLUMNS, ...covariateCols.map(rename), ...signCols, 'seed'];
  const manifestPath = join(options.outDir, 'manifest.csv');
  // phantoms.json first, manifest.csv last (each whole or absent): a manifest means a finished run.
  await writeWhole(
    options.outDir,
    join(options.outDir, 'phantoms.json'),
    JSON.stringify(
      {
        disclaimer: 'Simulated phenotypes of real, healthy faces, for validation only; not patient data.',
        parameters: { ...options, seed, format },
        signs: Object.fromEntries(signCols.map((s) => [s, SIGNS[s]])),
        versions: { endoface: SOFTWARE_VERSION, simulator: SIMULATOR_VERSION },
        run: run.info(),
        skipped,
        phantoms: details,
      },
      null,
      2,
    ) + '\n',
  );
  await writeWhole(options.outDir, manifestPath, toCsv(columns, rows));
  const phantoms = rows.filter((r) => r.label !== 'control').length;
  return {
    total: photos.length,
    phantoms,
    controls: rows.length - phantoms,
    skipped,
    manifestPath,
    meanSimulateMs: phantoms > 0 ? simulateMs / phantoms : 0,
    ...(earlierRun ? { earlierRun } : {}),
    files: [...run.files, join(options.outDir, 'phantoms.json'), manifestPath],
    notes: run.notes,
    run: run.info(),
  };
}

/** The JSON-safe record of one phantom: what changed where, and how the warp went. */
function phantomSummary(p: Phenotype): Record<string, unknown> {
  return {
    severity: p.severity,
    magnitudes: p.magnitudes,
    warpScale: p.warpScale,
    areaRatio: p.areaRatio,
    warnings: p.warnings,
    changes: p.changes,
    seed: p.seed,
  };
}
