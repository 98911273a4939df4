/** Paths to the shared public face sets and small readers for their labels. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DATA } from '../../tools/lib/public-data.js';

/** The shared public face sets (`ENDOFACE_SHARED`/data, else ../shared/data beside the repo). */
export const DATA_DIR = DATA;

export function dataPath(...parts: string[]): string {
  return join(DATA_DIR, ...parts);
}

/** Rows of a set's labels.csv as objects (these files have no quoted fields). */
export function readLabels(set: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(dataPath(set, 'labels.csv'), 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], v])));
}

/** The 140 studio faces: webmorph-3dsk and webmorph-canada. */
export function studioFaces(): { set: string; file: string; path: string; sex: string; faceId: string }[] {
  return ['webmorph-3dsk', 'webmorph-canada'].flatMap((set) =>
    readLabels(set).map((r) => ({
      set,
      file: r.file,
      path: dataPath(set, r.file),
      sex: r.sex,
      faceId: r.face_id,
    })),
  );
}

/** A WebMorph .tem template (named after the image file): 189 [x, y] points in image pixels. */
export function readTem(set: string, imageFile: string): [number, number][] {
  const stem = basename(imageFile).replace(/\.[^.]+$/, '');
  const lines = readFileSync(dataPath(set, 'landmarks', `${stem}.tem`), 'utf8').split(/\r?\n/);
  const n = Number(lines[0]);
  return lines.slice(1, n + 1).map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}
