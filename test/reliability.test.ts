// The short fault suite inside the test run (the whole one is `npm run bench -- reliability`):
// the indexer killed three times, Elasticsearch paused, the service restarted, all under a steady
// load of events and requests. Nothing may be lost or overwritten by an older event, nothing may
// answer 5xx, and while Elasticsearch is paused every request still gets an answer in time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reliabilityBench } from '../bench/reliability.ts';

describe('reliability under faults (short)', () => {
  it('loses no event and answers every request through an indexer kill, an Elasticsearch pause and a service restart', async () => {
    const r = await reliabilityBench({ seconds: 4, faults: ['indexer-kill', 'es-pause', 'service-restart'] });
    assert.equal(r.events_lost, 0, JSON.stringify(r));
    assert.equal(r.stale_overwrites, 0);
    for (const f of r.faults) {
      assert.equal(f.other_5xx, 0, `${f.fault}: ${JSON.stringify(f)}`);
      if (f.fault !== 'service-restart')
        assert.equal(f.no_answer, 0, `${f.fault}: every request answered within 3 s: ${JSON.stringify(f)}`);
      assert.ok(f.requests > 0);
    }
  });
});
