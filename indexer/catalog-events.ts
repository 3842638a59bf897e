// A catalog file as a stream of upsert events, each validated like any event from Kafka.
import { readCatalog } from '../catalog/read.ts';
import { validateEvent, type ProductEvent } from './event.ts';

export type CatalogEvent = { line: number; event: ProductEvent } | { line: number; error: string };

/**
 * Default version of an imported line: unix seconds of the import times 10^6 plus the line, so a
 * later import supersedes an earlier one, and a product repeated in a file takes its last line.
 */
export const defaultVersionBase = (): number => Math.floor(Date.now() / 1000) * 1_000_000;

export interface CatalogEventOptions {
  versionBase: number;
  priority?: 'high' | 'normal';
}

export async function* catalogEvents(file: string, opts: CatalogEventOptions): AsyncGenerator<CatalogEvent> {
  const ts = new Date().toISOString();
  for await (const rec of readCatalog(file)) {
    if ('error' in rec) {
      yield { line: rec.line, error: rec.error };
      continue;
    }
    const product = rec.value as { id?: unknown };
    const id =
      typeof product?.id === 'string' ? product.id : typeof product?.id === 'number' ? String(product.id) : undefined;
    if (id === undefined) {
      yield { line: rec.line, error: 'product has no string id' };
      continue;
    }
    const candidate = {
      op: 'upsert',
      id,
      version: opts.versionBase + rec.line,
      ts,
      ...(opts.priority ? { priority: opts.priority } : {}),
      product: { ...product, id },
    };
    const r = validateEvent(candidate);
    yield r.ok ? { line: rec.line, event: r.event } : { line: rec.line, error: r.reason };
  }
}

/** Counts a file's records (for an ETA) without validating them. */
export async function countCatalog(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readCatalog(file)) n++;
  return n;
}
