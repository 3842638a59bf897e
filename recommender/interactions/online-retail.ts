// Reads the raw UCI Online Retail table (InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
// UnitPrice, CustomerID, Country) into purchases, applying the cleaning rules below and counting
// what each rule set aside.
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import type { Interaction } from './interaction.ts';

/** Stock codes that are fees, postage or adjustments rather than products. */
export const NON_PRODUCT_CODES = /^(POST|DOT|M|C2|D|S|B|CRUK|PADS|AMAZONFEE|BANK CHARGES|gift_\d+_\d+)$/i;

export interface CleaningReport {
  rows: number;
  kept: number;
  cancellations: number;
  nonPositiveQuantity: number;
  nonPositivePrice: number;
  nonProduct: number;
  malformed: number;
  guestRows: number;
}

export type RetailRow = Record<
  'InvoiceNo' | 'StockCode' | 'Quantity' | 'InvoiceDate' | 'UnitPrice' | 'CustomerID',
  string
>;

type Verdict = { keep: Interaction } | { drop: keyof Omit<CleaningReport, 'rows' | 'kept' | 'guestRows'> };

/** One row's fate. Dates are the table's local time, read as UTC so cutoffs are unambiguous. */
export function cleanRow(row: RetailRow): Verdict {
  const invoice = row.InvoiceNo?.trim() ?? '';
  const code = row.StockCode?.trim() ?? '';
  const quantity = Number(row.Quantity);
  const price = Number(row.UnitPrice);
  const time = Date.parse(`${row.InvoiceDate?.trim().replace(' ', 'T')}Z`);
  if (!invoice || !code || Number.isNaN(quantity) || Number.isNaN(price) || Number.isNaN(time))
    return { drop: 'malformed' };
  if (/^C/i.test(invoice)) return { drop: 'cancellations' };
  if (quantity <= 0) return { drop: 'nonPositiveQuantity' };
  if (NON_PRODUCT_CODES.test(code)) return { drop: 'nonProduct' };
  if (price <= 0) return { drop: 'nonPositivePrice' };
  // CustomerID is written as a float ("17850.0") in the published table.
  const customer = row.CustomerID?.trim().replace(/\.0$/, '');
  return { keep: { user: customer || undefined, session: invoice, item: code.toUpperCase(), kind: 'purchase', time } };
}

export const emptyCleaningReport = (): CleaningReport => ({
  rows: 0,
  kept: 0,
  cancellations: 0,
  nonPositiveQuantity: 0,
  nonPositivePrice: 0,
  nonProduct: 0,
  malformed: 0,
  guestRows: 0,
});

/** The table's purchases one at a time; `report` counts what each cleaning rule set aside. */
export async function* onlineRetailInteractions(
  file: string,
  report: Record<string, number> = { ...emptyCleaningReport() },
): AsyncGenerator<Interaction> {
  for (const [k, v] of Object.entries(emptyCleaningReport())) report[k] ??= v;
  const raw = fs.createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  for await (const row of input.pipe(
    parseCsv({ columns: true, skip_empty_lines: true, relax_column_count: true }),
  ) as AsyncIterable<RetailRow>) {
    report.rows!++;
    const verdict = cleanRow(row);
    if ('drop' in verdict) {
      report[verdict.drop]!++;
      continue;
    }
    report.kept!++;
    if (verdict.keep.user === undefined) report.guestRows!++;
    yield verdict.keep;
  }
}
