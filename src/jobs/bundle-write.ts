/**
 * Writing a model bundle (its files from `bundleFiles`), and what a long training does so that its
 * bundle is never lost at the last step.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EndofaceError, isEndofaceError } from '../core/index.js';
import { prepareOutputDir, writeChecked } from '../io/index.js';
import { bundleFiles, type Bundle } from '../model/index.js';

/**
 * Refuses a folder that holds a bundle (`bundle_exists`, unless `overwrite`) or cannot be written
 * (`output_not_writable`), and creates it: training calls this before its feature extraction too.
 */
export async function prepareBundleDir(dir: string, options: { overwrite?: boolean } = {}): Promise<void> {
  if (!options.overwrite && existsSync(join(dir, 'metadata.json'))) {
    throw new EndofaceError(
      'bundle_exists',
      `${dir} already holds a model bundle; write to another folder, allow overwriting, or remove it`,
      { dir, parameter: 'out' },
    );
  }
  await prepareOutputDir(dir, { subfolders: ['screens'] });
}

/** Writes a bundle folder: its parts first, `metadata.json` last. Returns the paths written. */
export async function saveBundle(
  dir: string,
  bundle: Bundle,
  options: { overwrite?: boolean } = {},
): Promise<string[]> {
  await prepareBundleDir(dir, options);
  const files = bundleFiles(bundle, dir);
  const order = [...Object.keys(files).filter((f) => f !== 'metadata.json'), 'metadata.json'];
  for (const rel of order) await writeChecked(join(dir, rel), files[rel]);
  return order.map((rel) => join(dir, rel));
}

/**
 * Saves the bundle; when that fails at the end of a long training (disk full, folder removed or
 * filled meanwhile), saves it to a fresh temporary folder instead and says where, so the trained
 * model is not lost.
 */
export async function saveOrRescue(out: string, bundle: Bundle, overwrite?: boolean): Promise<string[]> {
  try {
    return await saveBundle(out, bundle, { overwrite });
  } catch (e) {
    if (!isEndofaceError(e) || !['output_not_writable', 'bundle_exists'].includes(e.code)) throw e;
    const rescue = await mkdtemp(join(tmpdir(), 'endoface-bundle-'));
    try {
      await saveBundle(rescue, bundle, { overwrite: true });
    } catch (again) {
      // The first failure is the one to report; the rescue's is said beside it.
      await rm(rescue, { recursive: true, force: true });
      throw new EndofaceError(
        'output_not_writable',
        `${e.message}; saving the trained bundle to ${rescue} failed too: ${(again as Error).message}`,
        { ...e.details },
      );
    }
    throw new EndofaceError(
      'output_not_writable',
      `${e.message}; the trained bundle was saved to ${rescue}`,
      {
        ...e.details,
        rescued: rescue,
      },
    );
  }
}
