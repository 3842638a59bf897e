// Interaction files: the raw Online Retail table (CSV with an InvoiceNo column) or NDJSON lines of
// interaction events (the Kafka event format), plain or gzipped.
import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parseInteractionEvent } from './event-topic.ts';
import type { Interaction } from './interaction.ts';
import { readOnlineRetail } from './online-retail.ts';

export interface FileReadReport {
  rows: number;
  kept: number;
  [reason: string]: number;
}

const lines = (file: string) => {
  const raw = fs.createReadStream(file);
  return readline.createInterface({
    input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw,
    crlfDelay: Infinity,
  });
};

export async function readInteractionsFile(
  file: string,
): Promise<{ interactions: Interaction[]; report: FileReadReport }> {
  if (!fs.existsSync(file)) throw new Error(`interactions file not found: ${file}`);
  if (/\.csv(\.gz)?$/.test(file)) {
    const { interactions, report } = await readOnlineRetail(file);
    return { interactions, report: { ...report } };
  }
  const interactions: Interaction[] = [];
  const report: FileReadReport = { rows: 0, kept: 0, rejected: 0 };
  for await (const line of lines(file)) {
    if (line.trim() === '') continue;
    report.rows++;
    const x = parseInteractionEvent(line);
    if ('error' in x) report.rejected!++;
    else {
      report.kept++;
      interactions.push(x);
    }
  }
  return { interactions, report };
}
