import { corruptDatasetFile, readDatasetBytes } from './dataset-file.js';

/**
 * A numeric CSV table (comma separated, header row, no quoted fields: the vega-datasets series need no more).
 * Checks that the wanted columns exist and every cell in them is a finite number.
 */
export interface NumericTable {
  readonly keys: readonly string[];
  readonly rows: number;
  /** `values[row * columns.length + column]`, in the order of the requested columns. */
  readonly values: Float32Array;
}

export function readNumericCsv(path: string, keyColumn: string, columns: readonly string[]): NumericTable {
  const expected = `a CSV file with header columns ${[keyColumn, ...columns].join(',')} and numeric values`;
  const lines = readDatasetBytes(path, expected).toString('utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((name) => name.trim()) ?? [];
  const keyIndex = header.indexOf(keyColumn);
  const indices = columns.map((column) => header.indexOf(column));
  const missing = [keyColumn, ...columns].filter((_, i) => (i === 0 ? keyIndex : indices[i - 1]!) < 0);
  if (missing.length > 0) throw corruptDatasetFile(path, expected, `missing column(s) ${missing.join(', ')} in header '${lines[0] ?? ''}'`);
  const rows = lines.length - 1;
  if (rows < 1) throw corruptDatasetFile(path, expected, 'without data rows');
  const keys: string[] = [];
  const values = new Float32Array(rows * columns.length);
  for (let row = 0; row < rows; row++) {
    const cells = lines[row + 1]!.split(',');
    keys.push(cells[keyIndex] ?? '');
    indices.forEach((cellIndex, column) => {
      const text = cells[cellIndex];
      const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) {
        throw corruptDatasetFile(path, expected, `holding '${text ?? ''}' in column ${columns[column]} on line ${row + 2}`);
      }
      values[row * columns.length + column] = value;
    });
  }
  return { keys, rows, values };
}
