// A worker thread of item2vec: trains the share of an epoch it is sent on the shared tables and
// reports progress and its result.
import { trainShare } from './sgns.ts';
import { serveShares } from './threads.ts';

serveShares(trainShare);
