// Reading judged data: queries (TSV: query_id<TAB>text) and TREC qrels (query_id 0 doc_id grade).
// Every problem is reported with its file and line.
import fs from 'node:fs';

export class JudgmentsError extends Error {
  override name = 'JudgmentsError';
}

const lines = (file: string): string[] => {
  if (!fs.existsSync(file)) throw new JudgmentsError(`file not found: ${file}`);
  return fs.readFileSync(file, 'utf8').split(/\r?\n/);
};

export function readQueries(file: string): Map<string, string> {
  const out = new Map<string, string>();
  lines(file).forEach((line, i) => {
    if (line.trim() === '') return;
    const tab = line.indexOf('\t');
    if (tab <= 0 || line.slice(tab + 1).trim() === '')
      throw new JudgmentsError(`${file}:${i + 1}: expected "query_id<TAB>query text", got "${line.slice(0, 80)}"`);
    const id = line.slice(0, tab).trim();
    if (out.has(id)) throw new JudgmentsError(`${file}:${i + 1}: query id "${id}" appears twice`);
    out.set(id, line.slice(tab + 1).trim());
  });
  return out;
}

export type Qrels = Map<string, Map<string, number>>;

/** Reads TREC qrels; with `queries`, a line about an unknown query id is an error. */
export function readQrels(file: string, queries?: ReadonlyMap<string, string>): Qrels {
  const out: Qrels = new Map();
  lines(file).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4)
      throw new JudgmentsError(`${file}:${i + 1}: expected "query_id 0 doc_id grade" (4 fields), got ${parts.length}`);
    const [qid, , doc, g] = parts as [string, string, string, string];
    if (!/^-?\d+$/.test(g)) throw new JudgmentsError(`${file}:${i + 1}: grade "${g}" is not an integer`);
    if (queries && !queries.has(qid))
      throw new JudgmentsError(`${file}:${i + 1}: query id "${qid}" is not in the queries file`);
    let m = out.get(qid);
    if (!m) out.set(qid, (m = new Map()));
    m.set(doc, Number(g));
  });
  return out;
}

/** A TREC run line per result: `query_id Q0 doc_id rank score tag`; scores fall with rank, so no ties. */
export const trecRunLines = (qid: string, ranked: readonly string[], tag: string): string[] =>
  ranked.map((doc, i) => `${qid} Q0 ${doc} ${i + 1} ${ranked.length - i} ${tag}`);
