// The console's analytics charts, rendered on the server as SVG with Vega-Lite (as the evaluation
// reports are), so the console page keeps its strict content policy (no script runs Vega in it).
import { svg } from '../eval/report-html.ts';
import type { Overview } from './engine.ts';

export interface Chart {
  id: string;
  title: string;
  svg: string;
}

const size = { width: 480, height: 200 } as const;

export async function analyticsCharts(
  o: Overview,
  positions: { position: number; clicks: number; previous: number }[],
): Promise<Chart[]> {
  const period = (previous: boolean) => (previous ? 'previous period' : 'this period');
  const timeline = o.buckets.map((b) => ({ start: b.start, searches: b.searches, ctr: b.ctr, zero: b.zero_results }));
  const curve = positions.flatMap((p) => [
    { position: p.position, clicks: p.clicks, period: period(false) },
    { position: p.position, clicks: p.previous, period: period(true) },
  ]);
  const timeUnit = o.interval === 'hour' ? 'yearmonthdatehours' : 'yearmonthdate';
  return [
    {
      id: 'searches',
      title: `Searches and searches with no results per ${o.interval}`,
      svg: await svg({
        ...size,
        data: {
          values: timeline.flatMap((t) => [
            { start: t.start, count: t.searches, series: 'searches' },
            { start: t.start, count: t.zero, series: 'no results' },
          ]),
        },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'start', type: 'temporal', timeUnit, title: null },
          y: { field: 'count', type: 'quantitative', title: null },
          color: { field: 'series', type: 'nominal', title: null },
        },
      }),
    },
    {
      id: 'ctr',
      title: `Click-through per ${o.interval}`,
      svg: await svg({
        ...size,
        data: { values: timeline },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'start', type: 'temporal', timeUnit, title: null },
          y: { field: 'ctr', type: 'quantitative', axis: { format: '%' }, title: null },
        },
      }),
    },
    {
      id: 'positions',
      title: 'Clicks by result position, against the previous period',
      svg: await svg({
        ...size,
        data: { values: curve },
        mark: 'bar',
        encoding: {
          x: { field: 'position', type: 'ordinal' },
          xOffset: { field: 'period' },
          y: { field: 'clicks', type: 'quantitative', title: null },
          color: { field: 'period', type: 'nominal', title: null },
        },
      }),
    },
  ];
}
