// CSV parsing: row-numbered errors for every bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePredictionsCsv, parseReadersCsv } from '../../src/data/index.js';
import { parseCsv } from '../../src/io/index.js';

const fails = (code: string, row: number | null, re: RegExp) => (e: unknown) => {
  const err = e as Error & { code?: string; details?: Record<string, unknown> };
  assert.equal(err.code, code, err.message);
  if (row !== null) assert.equal(err.details?.row, row);
  assert.match(err.message, re);
  return true;
};

test('parses quotes, CRLF, BOM and blank lines', () => {
  const t = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n1,2\r\n');
  assert.deepEqual(t.header, ['a', 'b']);
  assert.deepEqual(t.rows, [
    ['x, y', 'say "hi"'],
    ['1', '2'],
  ]);
  assert.deepEqual(t.lines, [2, 4]);
});

test('predictions: columns, covariates, and errors naming the line', () => {
  const p = parsePredictionsCsv('image,subject,label,score,sex\na,s1,1,0.9,F\nb,s2,0,0.1,\n', 'p.csv');
  assert.deepEqual(p.score, [0.9, 0.1]);
  assert.deepEqual(p.covariates, { sex: ['F', ''] });
  const head = 'image,subject,label,score\n';
  assert.throws(
    () => parsePredictionsCsv(head + 'a,s,1,0.2\nb,s,0,NaN\n', 'p.csv'),
    fails('invalid_score', 3, /p\.csv line 3: score is "NaN"/),
  );
  assert.throws(
    () => parsePredictionsCsv(head + 'a,s,1,\n', 'p.csv'),
    fails('invalid_score', 2, /score is missing/),
  );
  assert.throws(
    () => parsePredictionsCsv(head + 'a,s,yes,0.3\n', 'p.csv'),
    fails('invalid_label', 2, /label is "yes"/),
  );
  assert.throws(
    () => parsePredictionsCsv(head + 'a,s,1,0.3\na,t,0,0.2\n', 'p.csv'),
    fails('duplicate_row', 3, /already appears on line 2/),
  );
  assert.throws(
    () => parsePredictionsCsv(head + 'a,s,1\n', 'p.csv'),
    fails('invalid_csv', 2, /3 fields, but the header has 4/),
  );
  assert.throws(
    () => parsePredictionsCsv('image,label,score\na,1,0.3\n', 'p.csv'),
    fails('missing_column', null, /no "subject" column/),
  );
});

test('readers: optional level, duplicates and bad ratings refused with the line', () => {
  const r = parseReadersCsv('image,reader,rating\na,R1,4\nb,R1,2\n');
  assert.deepEqual(r.readerLevel, [null, null]);
  assert.throws(
    () => parseReadersCsv('image,reader,rating\na,R1,4\na,R1,3\n', 'r.csv'),
    fails('duplicate_row', 3, /already rated image "a" on line 2/),
  );
  assert.throws(
    () => parseReadersCsv('image,reader,rating\na,R1,high\n', 'r.csv'),
    fails('invalid_rating', 2, /rating is "high"/),
  );
});
