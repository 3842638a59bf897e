// Rows of a CSV file (optionally gzipped) with a header, as objects keyed by lowercase column
// name; a malformed line or a missing column is an error naming the file and line.
import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse as parseCsvLine } from 'csv-parse/sync';

export async function* readCsvRows(file: string, required: readonly string[]): AsyncGenerator<Record<string, string>> {
  const raw = fs.createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let header: string[] | undefined;
  let line = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let cells: string[];
    try {
      cells = (parseCsvLine(text, { relax_quotes: true }) as string[][])[0] ?? [];
    } catch (e) {
      throw new Error(`${file}:${line}: not CSV: ${(e as Error).message}`);
    }
    if (!header) {
      header = cells.map((c) => c.trim().toLowerCase());
      const missing = required.filter((c) => !header!.includes(c));
      if (missing.length > 0)
        throw new Error(
          `${file}:1: the header has no ${missing.map((c) => `"${c}"`).join(', ')} column (found: ${header.join(', ')})`,
        );
      continue;
    }
    yield Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  }
}

/** Log timestamps such as "2011-08-11 03:59:04.27" (UTC); NaN when absent or unreadable. */
export const logTime = (s: string | undefined): number => (s ? Date.parse(`${s.trim().replace(' ', 'T')}Z`) : NaN);
