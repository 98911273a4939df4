import { EndofaceError } from '../core/index.js';

/**
 * RFC 4180 CSV reading, shared by every table endoface reads (predictions, readers, dataset
 * manifests). Errors have the code `invalid_csv` and name the file and its 1-based line.
 */
function csvError(code: 'invalid_csv', message: string, details: Record<string, unknown>): never {
  throw new EndofaceError(code, message, details);
}

/** A CSV table: header names and rows of fields, with each row's line number in the file. */
export interface CsvTable {
  header: string[];
  rows: string[][];
  lines: number[];
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF, BOM); blank lines are skipped. */
export function parseCsv(text: string, file = 'input'): CsvTable {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted)
    csvError('invalid_csv', `${file}: a quoted field opened on line ${recordLine} is never closed`, {
      file,
      row: recordLine,
    });
  if (field !== '' || fields.length > 0) endRecord();
  if (records.length === 0) csvError('invalid_csv', `${file} is empty`, { file });
  const header = records[0].fields.map((h) => h.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      csvError(
        'invalid_csv',
        `${file} line ${r.line}: ${r.fields.length} fields, but the header has ${header.length}`,
        {
          file,
          row: r.line,
        },
      );
    }
    rows.push(r.fields.map((f) => f.trim()));
    lines.push(r.line);
  }
  return { header, rows, lines };
}
