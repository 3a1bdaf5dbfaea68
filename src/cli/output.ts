import { writeFileSync } from 'node:fs';

/** Prints a value as pretty JSON on stdout, or writes it to a file when a path is given. */
export function emitJson(value: unknown, path?: string): void {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (path) writeFileSync(path, text);
  else process.stdout.write(text);
}

/** Prints rows as an aligned plain-text table. */
export function printTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => String(row[column] ?? '').length)));
  for (const row of cells) {
    console.log(row.map((cell, column) => String(cell ?? '').padEnd(widths[column]!)).join('  ').trimEnd());
  }
}
