import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';

/** File endings taken when walking a folder (a file named explicitly is always taken). */
export const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.gif',
];

export interface CollectedFiles {
  files: string[];
  /** Inputs that do not exist, with the reason. */
  missing: { path: string; reason: string }[];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(p);
  }
}

/** Expands files and folders (recursively, image endings only) into a sorted, de-duplicated file list. */
export async function collectImageFiles(inputs: readonly string[]): Promise<CollectedFiles> {
  const files: string[] = [];
  const missing: CollectedFiles['missing'] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) missing.push({ path: input, reason: 'file_not_found' });
    else if (info.isDirectory()) await walk(input, files);
    else files.push(input);
  }
  return { files: [...new Set(files.map((f) => resolve(f)))], missing };
}

/**
 * A short, unique, filesystem-safe name for each file: its path relative to the files' common folder,
 * without extension, with separators turned into `__` (two photos named `1.jpg` in different folders stay apart).
 */
export function uniqueStems(files: readonly string[]): string[] {
  if (files.length === 0) return [];
  const parts = files.map((f) => resolve(f).split(sep));
  let common = parts[0].length - 1;
  for (const p of parts) {
    let i = 0;
    while (i < common && i < p.length - 1 && p[i] === parts[0][i]) i++;
    common = i;
  }
  const root = parts[0].slice(0, common).join(sep) || sep;
  return files.map((f) => {
    const rel = relative(root, resolve(f));
    return rel
      .slice(0, rel.length - extname(rel).length)
      .split(sep)
      .join('__')
      .replace(/[^\w.-]+/g, '_');
  });
}
