// Interaction files: the raw Online Retail table (CSV with an InvoiceNo column) or NDJSON lines of
// interaction events (the Kafka event format), plain or gzipped. Read as a stream: rows are
// handed on one at a time and only counted, so a file larger than memory can be trained on.
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { interactionsOfMessage } from './event-topic.ts';
import type { Interaction } from './interaction.ts';
import { onlineRetailInteractions } from './online-retail.ts';

export interface FileReadReport {
  rows: number;
  kept: number;
  [reason: string]: number;
}

export const openMaybeGzipped = (file: string): NodeJS.ReadableStream => {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  return file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
};

/** The file's interactions, one at a time; `report` counts rows and what was set aside as it goes. */
export async function* interactionsOfFile(file: string, report: FileReadReport): AsyncGenerator<Interaction> {
  if (!fs.existsSync(file)) throw new Error(`interactions file not found: ${file}`);
  if (/\.csv(\.gz)?$/.test(file)) {
    yield* onlineRetailInteractions(file, report);
    return;
  }
  report.rejected ??= 0;
  for await (const lines of linesOf(file))
    for (const line of lines) {
      if (line.trim() === '') continue;
      report.rows++;
      const x = interactionsOfMessage(line);
      if ('error' in x) report.rejected!++;
      else {
        report.kept++;
        yield* x;
      }
    }
}

/** A text file's lines, a chunk's worth at a time (readline's event per line costs more than the parse). */
async function* linesOf(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of openMaybeGzipped(file).setEncoding('utf8') as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    yield lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
  if (rest !== '') yield [rest];
}

/** The whole file as a list, for callers that need every row at hand (evaluation splits by time). */
export async function readInteractionsFile(
  file: string,
): Promise<{ interactions: Interaction[]; report: FileReadReport }> {
  const report: FileReadReport = { rows: 0, kept: 0 };
  const interactions: Interaction[] = [];
  for await (const x of interactionsOfFile(file, report)) interactions.push(x);
  return { interactions, report };
}
