// `eval judgments`: queries and qrels from a click log (by default the grading of the shared Best
// Buy judgments), e.g. from the clicks after a date, to measure what was learned before it.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDate } from '../common/dates.ts';
import { readClickLog } from '../ranking/learn/click-log.ts';
import { clickJudgments } from './click-judgments.ts';

const date = (s: string | undefined, name: string): number | undefined =>
  s === undefined ? undefined : parseDate(s, `--${name}`);

export async function judgmentsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      clicks: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'min-clicks': { type: 'string', default: '3' },
      out: { type: 'string' },
    },
  });
  if (!values.clicks || !values.out) throw new Error('--clicks FILE and --out PREFIX are required');
  const minClicks = Number(values['min-clicks']);
  if (!Number.isInteger(minClicks) || minClicks < 1)
    throw new Error(`--min-clicks must be a positive integer: ${values['min-clicks']}`);
  const { queries, qrels } = clickJudgments(await readClickLog(values.clicks), {
    from: date(values.from, 'from'),
    to: date(values.to, 'to'),
    minClicks,
  });
  fs.writeFileSync(`${values.out}.queries.tsv`, `${[...queries].map(([id, q]) => `${id}\t${q}`).join('\n')}\n`);
  fs.writeFileSync(
    `${values.out}.qrels`,
    `${[...qrels].flatMap(([id, m]) => [...m].map(([doc, g]) => `${id} 0 ${doc} ${g}`)).join('\n')}\n`,
  );
  const judged = [...qrels.values()].reduce((n, m) => n + m.size, 0);
  process.stderr.write(`[eval] wrote ${values.out}.queries.tsv and ${values.out}.qrels\n`);
  console.log(JSON.stringify({ queries: queries.size, judgments: judged }));
  return 0;
}
