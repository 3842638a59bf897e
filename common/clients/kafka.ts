// kafkajs behind the project's own logger and configuration: brokers, client id, SASL (PLAIN,
// SCRAM-SHA-256/512) and TLS with a CA file. Callers depend on this module, not on kafkajs options.
import fs from 'node:fs';
import {
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type LogEntry,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { type Config, kafkaBrokersOf, scrub } from '../config.ts';
import { ConnectionError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export type { Kafka, Producer };

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function security(c: Config): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl = c.kafkaTls ? (c.kafkaCaFile ? { ca: [fs.readFileSync(c.kafkaCaFile, 'utf8')] } : true) : undefined;
  const username = c.kafkaUsername ?? '';
  const password = c.kafkaPassword ?? '';
  const sasl =
    c.kafkaSaslMechanism === 'plain'
      ? { mechanism: 'plain' as const, username, password }
      : c.kafkaSaslMechanism === 'scram-sha-256'
        ? { mechanism: 'scram-sha-256' as const, username, password }
        : c.kafkaSaslMechanism === 'scram-sha-512'
          ? { mechanism: 'scram-sha-512' as const, username, password }
          : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

/**
 * A client for the configured brokers; `clientId` names the process unless SHOP_KAFKA_CLIENT_ID is
 * set. `retries` bounds reconnecting to the brokers (kafkajs' default: 5, about 10 s).
 */
export function createKafka(c: Config, clientId: string, log: Logger, retries?: number): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: c.kafkaClientId || clientId,
    brokers: kafkaBrokersOf(c),
    ...security(c),
    ...(retries !== undefined ? { retry: { retries } } : {}),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        kafkaLog[levels[level] ?? 'info'](rest, scrub(message, c));
      },
  });
}

/** Errors no retry will cure: the brokers refused the credentials or their certificate is not trusted. */
function permanentProblem(c: Config, err: Error): ConnectionError | undefined {
  const where = `Kafka at ${kafkaBrokersOf(c).join(',')}`;
  if (err.name === 'KafkaJSSASLAuthenticationError')
    return new ConnectionError(
      'kafka',
      `${where} refused the SASL ${c.kafkaSaslMechanism} credentials of user "${c.kafkaUsername ?? ''}": check SHOP_KAFKA_USERNAME, SHOP_KAFKA_PASSWORD and SHOP_KAFKA_SASL_MECHANISM`,
    );
  if (/certificate|self.signed|SSL|TLS/i.test(err.message))
    return new ConnectionError(
      'kafka',
      scrub(`${where} is not trusted: ${err.message} (set SHOP_KAFKA_CA_FILE to the brokers' CA)`, c),
    );
  return undefined;
}

/**
 * Connects once, with the same settings as every client, to check the brokers accept them. Wrong
 * credentials or an untrusted certificate throw a ConnectionError; brokers that are merely down
 * only return their error, since the consumers and producers reconnect by themselves.
 */
export async function checkKafka(c: Config, clientId: string, log: Logger): Promise<Error | undefined> {
  const admin = createKafka(c, clientId, log, 0).admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    return undefined;
  } catch (e) {
    const permanent = permanentProblem(c, e as Error);
    if (permanent) throw permanent;
    return new Error(scrub((e as Error).message, c));
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Producers never create topics by accident; keys are hashed with the Java client's partitioner. */
export const createProducer = (kafka: Kafka, options: ProducerConfig = {}): Producer =>
  kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, ...options });

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function createTopicsIfMissing(kafka: Kafka, topics: string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0)
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        waitForLeaders: true,
      });
  } finally {
    await admin.disconnect();
  }
}
