// A worker thread of item2vec: trains the share of an epoch it is sent on the shared tables and
// reports progress and its result.
import { parentPort } from 'node:worker_threads';
import { trainShare, type SgnsShare } from './sgns.ts';

parentPort!.on('message', (share: SgnsShare) => {
  const result = trainShare(share, (n) => parentPort!.postMessage({ baskets: n }));
  parentPort!.postMessage({ result });
});
