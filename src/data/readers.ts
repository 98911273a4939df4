/** The reader-ratings file of a study: `image,reader,rating[,reader_level]`. */
import { parseCsv } from '../io/index.js';
import { columnIndex, parseNumber, tableError } from './columns.js';

/** A readers file: one row per (image, reader) rating. */
export interface ReaderRatingTable {
  image: string[];
  reader: string[];
  rating: number[];
  /** The reader's level (e.g. "consultant", "resident"); null when the column is absent or empty. */
  readerLevel: (string | null)[];
  lines: number[];
}

/**
 * Parses reader ratings `image,reader,rating[,reader_level]`. Ratings are numbers (binary 0/1,
 * ordinal 1–5 or 0–100; the scale is decided per reader later); one rating per image and reader.
 */
export function parseReadersCsv(text: string, file = 'readers'): ReaderRatingTable {
  const table = parseCsv(text, file);
  const [ci, cr, cv] = ['image', 'reader', 'rating'].map((n) => columnIndex(table, n, file));
  const cLevel = table.header.indexOf('reader_level');
  const out: ReaderRatingTable = { image: [], reader: [], rating: [], readerLevel: [], lines: table.lines };
  const seen = new Map<string, number>();
  table.rows.forEach((r, k) => {
    const line = table.lines[k];
    const key = `${r[ci]}\u0000${r[cr]}`;
    if (r[ci] === '' || r[cr] === '') {
      tableError('invalid_csv', `${file} line ${line}: image and reader must not be empty`, {
        file,
        row: line,
      });
    }
    if (seen.has(key)) {
      tableError(
        'duplicate_row',
        `${file} line ${line}: reader "${r[cr]}" already rated image "${r[ci]}" on line ${seen.get(key)}`,
        {
          file,
          row: line,
        },
      );
    }
    seen.set(key, line);
    out.image.push(r[ci]);
    out.reader.push(r[cr]);
    out.rating.push(parseNumber(r[cv], 'rating', file, line, 'invalid_rating'));
    out.readerLevel.push(cLevel >= 0 && r[cLevel] !== '' ? r[cLevel] : null);
  });
  if (out.image.length === 0) tableError('empty_input', `${file} has a header but no rows`, { file });
  return out;
}
