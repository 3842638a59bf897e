// Click logs: which product a shopper chose after which query. CSV with a header naming at least
// `query` and `sku` (or `product`), and `click_time` (or `query_time`).
import { logTime, readCsvRows } from '../../common/csv-rows.ts';

export interface Click {
  query: string;
  product: string;
  time: number;
  /** Who clicked, and when they searched, when the log says. */
  user?: string;
  searchedAt?: number;
}

export async function readClickLog(file: string): Promise<Click[]> {
  const clicks: Click[] = [];
  for await (const row of readCsvRows(file, ['query'])) {
    const product = row.sku ?? row.product;
    if (product === undefined) throw new Error(`${file}: the header has no "sku" or "product" column`);
    const time = logTime(row.click_time || row.query_time);
    const searchedAt = logTime(row.query_time);
    if (row.query && product && Number.isFinite(time))
      clicks.push({
        query: row.query,
        product,
        time,
        ...(row.user ? { user: row.user } : {}),
        ...(Number.isFinite(searchedAt) ? { searchedAt } : {}),
      });
  }
  return clicks;
}
