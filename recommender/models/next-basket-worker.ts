// A worker thread of the next-basket lists: lists the share of customers it is sent into the shared
// output tables (next-basket.ts).
import { listShare } from './next-basket.ts';
import { serveShares } from './threads.ts';

serveShares(listShare);
