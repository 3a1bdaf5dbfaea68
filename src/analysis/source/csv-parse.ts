/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF, LF or CR-only (classic Mac) line ends. */
import { ServelabError } from '../../core/errors.js';

export function parseCsv(text: string, sourceName: string): string[][] {
  // Most study exports quote nothing: split lines and fields directly.
  if (!text.includes('"')) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return body.split(/\r\n|\n|\r/).filter((line) => line !== '').map((line) => line.split(','));
  }
  return parseQuotedCsv(text, sourceName);
}

function parseQuotedCsv(text: string, sourceName: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const endRecord = (): void => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      // A lone CR ends a record too (files saved with classic Mac line ends).
      endRecord();
      line++;
    } else if (ch !== '\r') field += ch;
    i++;
  }
  if (quoted) throw new ServelabError(`${sourceName}: unterminated quoted field starting before line ${line}; expected a closing '"'`);
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
