/**
 * What the two study tables (predictions, reader ratings) share: a column looked up by name and a
 * number read from a field, each error naming the file and its 1-based line (the header is line 1).
 */
import { EndofaceError, type ReasonSubset } from '../core/index.js';
import type { CsvTable } from '../io/index.js';

export type StudyTableErrorCode = ReasonSubset<
  | 'missing_column'
  | 'invalid_csv'
  | 'invalid_label'
  | 'invalid_score'
  | 'invalid_rating'
  | 'duplicate_row'
  | 'empty_input'
>;

export function tableError(
  code: StudyTableErrorCode,
  message: string,
  details: Record<string, unknown>,
): never {
  throw new EndofaceError(code, message, details);
}

export function columnIndex(table: CsvTable, name: string, file: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    tableError('missing_column', `${file} has no "${name}" column (columns: ${table.header.join(', ')})`, {
      file,
      column: name,
      columns: table.header,
    });
  }
  return i;
}

export function parseNumber(
  value: string,
  column: string,
  file: string,
  line: number,
  code: 'invalid_score' | 'invalid_rating',
): number {
  const v = value === '' ? NaN : Number(value);
  if (!Number.isFinite(v)) {
    tableError(
      code,
      `${file} line ${line}: ${column} is ${value === '' ? 'missing' : `"${value}"`}; it must be a finite number`,
      {
        file,
        row: line,
        column,
        value,
      },
    );
  }
  return v;
}
