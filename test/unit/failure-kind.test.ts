// Which failures the indexer waits out and which it dead-letters at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '@elastic/elasticsearch';
import { failureKind, TransientWriteError } from '../../indexer/failures.ts';

const response = (statusCode: number) =>
  new errors.ResponseError({
    body: { error: { type: 'x', reason: 'y' } },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

describe('failure kinds', () => {
  it('waits out servers down, slow or pushing back, and operator errors no event causes', () => {
    for (const status of [401, 403, 404, 408, 429, 500, 502, 503])
      assert.equal(failureKind(response(status)), 'transient');
    assert.equal(failureKind(new TransientWriteError('conflicts')), 'transient');
    assert.equal(failureKind(new errors.ConnectionError('down')), 'transient');
    assert.equal(
      failureKind(Object.assign(new Error('broker'), { name: 'KafkaJSConnectionError', retriable: true })),
      'transient',
    );
    const exhausted = Object.assign(new Error('retries'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      retriable: false,
      cause: { retriable: true },
    });
    assert.equal(failureKind(exhausted), 'transient');
  });
  it('never retries a request refused for what it holds', () => {
    for (const status of [400, 413, 422]) assert.equal(failureKind(response(status)), 'permanent');
    const tooLarge = Object.assign(new Error('too large'), { name: 'KafkaJSProtocolError', retriable: false });
    assert.equal(failureKind(tooLarge), 'permanent');
    assert.equal(failureKind(new TypeError('a bug one event trips')), 'permanent');
  });
});
