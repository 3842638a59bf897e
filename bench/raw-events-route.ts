// The events baseline: a minimal fastify route that hands the posted batch to Kafka, one message
// per event keyed by session with the same acknowledgements as the service, and answers 202.
// Run as its own process, like the service, so both sides pay the same per-process costs.
import Fastify from 'fastify';
import { createKafka, createProducer } from '../common/clients/kafka.ts';
import { loadConfig } from '../common/config.ts';
import { createLogger } from '../common/logger.ts';

const [port, topic] = process.argv.slice(2) as [string, string];
// The same connection settings as the service (brokers, SASL, TLS), from the environment.
const producer = createProducer(createKafka(loadConfig(), 'bench-raw-events', createLogger('error')));
await producer.connect();
const app = Fastify({ bodyLimit: 256 * 1024 });
app.post<{ Body: { events: { session: string }[] } }>('/events', async (req, reply) => {
  const receivedAt = new Date().toISOString();
  await producer.send({
    topic,
    acks: -1,
    messages: req.body.events.map((e) => ({
      key: e.session,
      value: JSON.stringify({ ...e, received_at: receivedAt }),
    })),
  });
  return reply.status(202).send({ accepted: req.body.events.length });
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stderr.write('ready\n');
