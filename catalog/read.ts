// Streams records out of a catalog file: NDJSON or CSV, plain or gzipped. A line that cannot be
// parsed comes out as an error with its line number instead of stopping the stream.
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { CATEGORY_SEPARATOR, type Product } from './product.ts';

export type CatalogRecord = { line: number; value: unknown } | { line: number; error: string; raw: string };

export type CatalogFormat = 'ndjson' | 'csv';

export function formatOf(file: string): CatalogFormat {
  const base = file.replace(/\.gz$/, '');
  if (base.endsWith('.csv')) return 'csv';
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl') || base.endsWith('.json')) return 'ndjson';
  throw new Error(`cannot tell the format of ${file}: expected .ndjson, .jsonl or .csv (optionally .gz)`);
}

function openText(file: string): Readable {
  const raw = fs.createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

async function* readNdjson(file: string): AsyncGenerator<CatalogRecord> {
  let line = 0;
  for await (const text of readline.createInterface({ input: openText(file), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (e) {
      yield { line, error: `invalid JSON: ${(e as Error).message}`, raw: text };
    }
  }
}

const NUMERIC = new Set(['price', 'list_price', 'rating', 'rating_count', 'popularity']);

/** CSV columns are catalog fields; categories use " > ", related "|", attributes hold JSON. */
function csvRowToProduct(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === '') continue;
    if (NUMERIC.has(key)) out[key] = Number(value);
    else if (key === 'in_stock') out[key] = /^(true|1|yes)$/i.test(value);
    else if (key === 'categories') out[key] = value.split(CATEGORY_SEPARATOR.trim()).map((s) => s.trim());
    else if (key === 'related') out[key] = value.split('|');
    else if (key === 'attributes') out[key] = JSON.parse(value);
    else out[key] = value;
  }
  return out;
}

async function* readCsv(file: string): AsyncGenerator<CatalogRecord> {
  const parser = openText(file).pipe(
    parseCsv({ columns: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    try {
      yield { line: rec.info.lines, value: csvRowToProduct(rec.record) };
    } catch (e) {
      yield { line: rec.info.lines, error: `invalid row: ${(e as Error).message}`, raw: JSON.stringify(rec.record) };
    }
  }
}

export function readCatalog(file: string): AsyncGenerator<CatalogRecord> {
  if (!fs.existsSync(file)) throw new Error(`catalog file not found: ${file}`);
  return formatOf(file) === 'csv' ? readCsv(file) : readNdjson(file);
}

/** Every record of a catalog file that has a title, for offline jobs that need the whole catalog. */
export async function readProducts(file: string): Promise<Product[]> {
  const out: Product[] = [];
  for await (const r of readCatalog(file)) if ('value' in r && (r.value as Product).title) out.push(r.value as Product);
  return out;
}
