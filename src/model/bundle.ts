import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EndofaceError } from '../core/index.js';
import { extractorVersions, type FeatureSetName } from '../features/index.js';
import { SOFTWARE_VERSION } from '../core/index.js';
import type { NormativeModel } from './normative.js';
import type { SerializedPipeline } from './pipeline.js';

/**
 * Model bundles (DESIGN.md §7, after MONAI's bundle specification): a directory with
 * `metadata.json` — what the model is, what it is for and not for, what it was trained on (with the
 * data's licences), how well it did (with CIs), and which extractor versions produced its inputs —
 * beside the weights (`screens/<name>.json`, `normative.json`). `bundleFiles` and `loadBundle` are the
 * only serialiser and reader (the train job writes the files); loading checks the schema version and every extractor version and refuses
 * a mismatch with a reason code, because features from another extractor version are not the ones
 * the weights were fitted on.
 */
export const BUNDLE_SCHEMA_VERSION = 1;

export const DISCLAIMER =
  'Research software, not a medical device. Not for diagnosis, treatment or exclusion of any condition.';

export interface MetricWithCi {
  estimate: number;
  lower: number | null;
  upper: number | null;
  method: string;
}

export interface ScreenMetadata {
  /** Screen name, e.g. `cushing` (the condition it screens for). */
  name: string;
  /** Classes in probability order; for a binary screen [negative, positive]. */
  classes: string[];
  positive?: string;
  negative?: string;
  featureSets: FeatureSetName[];
  /** Decision threshold on the calibrated probability and how it was chosen. */
  threshold: { value: number; rule: string };
  estimator: string;
  /** Out-of-fold metrics (subject-grouped nested CV). */
  metrics: Record<string, MetricWithCi | number>;
  file: string;
}

export interface BundleMetadata {
  schemaVersion: number;
  name: string;
  version: string;
  changelog: Record<string, string>;
  task: string;
  description: string;
  intendedUse: string;
  disclaimer: string;
  /** Extractor name → version; every one the bundle's features need must match on load. */
  extractors: Record<string, string>;
  preprocessing: { alignment: string; quality: string };
  trainingData: {
    description: string;
    sources: { name: string; licence: string; citation?: string }[];
    photos: number;
    subjects: number;
    byLabel: Record<string, number>;
    /** SHA-256 over the sorted (photo hash, subject, label) lines of the training set. */
    hash: string;
    excluded?: Record<string, number>;
  };
  normative?: { file: string; summary: NormativeModel['summary'] };
  screens: ScreenMetadata[];
  createdAt: string;
  softwareVersion: string;
  /** SHA-256 of every file of the bundle but metadata.json. */
  files: Record<string, string>;
}

export interface Bundle {
  dir?: string;
  /** SHA-256 of metadata.json as read (it holds every other file's hash): the bundle's identity. */
  sha256?: string;
  metadata: BundleMetadata;
  normative?: NormativeModel;
  screens: Record<string, SerializedPipeline>;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Hash of a training set: order-free, over (photo content hash, subject, label). */
export function trainingDataHash(
  rows: readonly { sha256: string; subjectId: string; label: string }[],
): string {
  return sha(
    rows
      .map((r) => `${r.sha256}\t${r.subjectId}\t${r.label}`)
      .sort()
      .join('\n'),
  );
}

/**
 * The files of a bundle, by path relative to its folder: each part's JSON, and `metadata.json` with
 * every other file's SHA-256 (validated). The bundle's only serialisation: the train job writes
 * these files, `loadBundle` reads them.
 */
export function bundleFiles(bundle: Bundle, dir = 'bundle'): Record<string, string> {
  const files: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  const add = (rel: string, value: unknown): void => {
    files[rel] = JSON.stringify(value) + '\n';
    hashes[rel] = sha(files[rel]);
  };
  if (bundle.normative) add('normative.json', bundle.normative);
  for (const s of bundle.metadata.screens) add(s.file, bundle.screens[s.name]);
  const metadata: BundleMetadata = { ...bundle.metadata, files: hashes };
  validateMetadata(metadata, dir);
  files['metadata.json'] = JSON.stringify(metadata, null, 2) + '\n';
  return files;
}

const REQUIRED: (keyof BundleMetadata)[] = [
  'schemaVersion',
  'name',
  'version',
  'changelog',
  'task',
  'description',
  'intendedUse',
  'disclaimer',
  'extractors',
  'preprocessing',
  'trainingData',
  'screens',
  'createdAt',
  'softwareVersion',
  'files',
];

/** Checks the metadata's shape; one line per problem in the error. */
export function validateMetadata(m: BundleMetadata, dir = 'bundle'): void {
  const problems: string[] = [];
  for (const k of REQUIRED) if (m[k] === undefined) problems.push(`missing "${k}"`);
  if (m.schemaVersion !== undefined && m.schemaVersion !== BUNDLE_SCHEMA_VERSION) {
    throw new EndofaceError(
      'bundle_schema_mismatch',
      `${dir}: bundle schema version ${m.schemaVersion}, this endoface (${SOFTWARE_VERSION}) reads version ${BUNDLE_SCHEMA_VERSION}`,
      { dir, found: m.schemaVersion, expected: BUNDLE_SCHEMA_VERSION },
    );
  }
  if (Array.isArray(m.screens)) {
    m.screens.forEach((s, i) => {
      if (!s.name || !s.file || !Array.isArray(s.featureSets) || !Array.isArray(s.classes))
        problems.push(`screens[${i}] lacks name, file, featureSets or classes`);
      if (!(s.threshold?.value >= 0 && s.threshold.value <= 1))
        problems.push(`screens[${i}].threshold.value must be in [0, 1]`);
    });
  } else if (m.screens !== undefined) problems.push('"screens" must be a list');
  if (problems.length > 0) {
    throw new EndofaceError('invalid_bundle', `${dir}/metadata.json: ${problems.join('; ')}`, {
      dir,
      problems,
    });
  }
}

/** The extractor versions a bundle needs: the face record plus every feature set its parts use. */
function neededExtractors(m: BundleMetadata): string[] {
  const sets = new Set<string>(['face']);
  for (const s of m.screens) for (const f of s.featureSets) sets.add(f);
  if (m.normative) ['morphometrics', 'colour'].forEach((s) => sets.add(s));
  return [...sets];
}

/**
 * Reads a bundle directory, checking the schema version, the files' hashes and that this
 * installation's extractors are the versions the bundle was built with.
 */
export async function loadBundle(dir: string): Promise<Bundle> {
  const metaPath = join(dir, 'metadata.json');
  if (!existsSync(dir))
    throw new EndofaceError('file_not_found', `no such folder: ${dir}`, { dir, file: dir });
  if (!existsSync(metaPath))
    throw new EndofaceError('bundle_not_found', `${dir} is not a model bundle (no metadata.json)`, { dir });
  let metadata: BundleMetadata;
  const metaText = await readFile(metaPath, 'utf8');
  try {
    metadata = JSON.parse(metaText) as BundleMetadata;
  } catch (e) {
    throw new EndofaceError('invalid_bundle', `${metaPath} is not valid JSON: ${(e as Error).message}`, {
      dir,
    });
  }
  validateMetadata(metadata, dir);
  const current = extractorVersions();
  const mismatched = neededExtractors(metadata).filter((k) => metadata.extractors[k] !== current[k]);
  if (mismatched.length > 0) {
    const k = mismatched[0];
    throw new EndofaceError(
      'extractor_version_mismatch',
      `${dir} was built with ${k} = ${metadata.extractors[k] ?? '(none)'}, this installation has ${current[k]}; retrain the bundle or install the matching versions`,
      {
        dir,
        mismatched: Object.fromEntries(
          mismatched.map((m) => [m, { bundle: metadata.extractors[m], installed: current[m] }]),
        ),
      },
    );
  }
  const read = async (rel: string): Promise<unknown> => {
    const text = await readFile(join(dir, rel), 'utf8').catch(() => {
      throw new EndofaceError('invalid_bundle', `${dir}: ${rel} is missing`, { dir, file: rel });
    });
    if (metadata.files[rel] && metadata.files[rel] !== sha(text)) {
      throw new EndofaceError(
        'invalid_bundle',
        `${dir}: ${rel} does not match its hash in metadata.json (edited or corrupted)`,
        { dir, file: rel },
      );
    }
    return JSON.parse(text);
  };
  const screens: Record<string, SerializedPipeline> = {};
  for (const s of metadata.screens) screens[s.name] = (await read(s.file)) as SerializedPipeline;
  const normative = metadata.normative
    ? ((await read(metadata.normative.file)) as NormativeModel)
    : undefined;
  return { dir, sha256: sha(metaText), metadata, normative, screens };
}
