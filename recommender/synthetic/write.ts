// Writes a synthetic log to files: training events (NDJSON, gzipped, the Kafka event format), the
// held-out baskets with their planted items, and the catalog.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { syntheticBaskets, syntheticProducts, type SyntheticOptions } from './generate.ts';

export interface SyntheticFiles {
  interactions: string;
  heldOut: string;
  catalog: string;
  counts: { interactions: number; baskets: number; heldOutBaskets: number; items: number };
}

/** A gzipped text file written a chunk of lines at a time, waiting when the stream is full. */
function gzipLines(file: string) {
  const gzip = createGzip({ level: 1 });
  const done = new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    gzip.pipe(out).on('finish', resolve).on('error', reject);
    gzip.on('error', reject);
  });
  let buffer: string[] = [];
  let size = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const ok = gzip.write(buffer.join(''));
    buffer = [];
    size = 0;
    if (!ok) await once(gzip, 'drain');
  };
  return {
    async line(text: string) {
      buffer.push(text, '\n');
      size += text.length;
      if (size > 1 << 20) await flush();
    },
    async close() {
      await flush();
      gzip.end();
      await done;
    },
  };
}

export async function writeSynthetic(
  dir: string,
  o: SyntheticOptions,
  onBasket: (lines: number) => void = () => {},
): Promise<SyntheticFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    interactions: path.join(dir, 'interactions.ndjson.gz'),
    heldOut: path.join(dir, 'held-out.ndjson.gz'),
    catalog: path.join(dir, 'catalog.ndjson.gz'),
  };
  const events = gzipLines(files.interactions);
  const heldOut = gzipLines(files.heldOut);
  const counts = { interactions: 0, baskets: 0, heldOutBaskets: 0, items: o.items };
  for (const b of syntheticBaskets(o)) {
    if (b.heldOut) {
      counts.heldOutBaskets++;
      await heldOut.line(JSON.stringify({ session: b.session, user: b.user, items: b.items, planted: b.planted }));
    } else {
      counts.baskets++;
      const time = new Date(b.time).toISOString();
      const user = b.user === undefined ? '' : `"user":"${b.user}",`;
      for (const item of b.items) {
        counts.interactions++;
        await events.line(`{"type":"purchase",${user}"session":"${b.session}","item":"${item}","time":"${time}"}`);
      }
    }
    onBasket(b.items.length);
  }
  await Promise.all([events.close(), heldOut.close()]);
  const catalog = gzipLines(files.catalog);
  for (const p of syntheticProducts(o)) await catalog.line(JSON.stringify(p));
  await catalog.close();
  return { ...files, counts };
}
