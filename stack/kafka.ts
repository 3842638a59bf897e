// Embedded Apache Kafka 3.9.1: one KRaft broker that is its own controller, formatted on first start.
// Besides its plaintext listener it has a SASL_SSL one (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
// users, the stack's self-signed certificate) for the secured-connection tests.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Config, kafkaSaslPortOf } from '../common/config.ts';
import { createKafka } from '../common/clients/kafka.ts';
import { createLogger } from '../common/logger.ts';
import { ensureJars } from './jars.ts';
import { securedStack } from './secured.ts';
import { processFiles, stackPaths, type StackService } from './service.ts';

export const KAFKA_VERSION = '3.9.1';

export function kafkaService(c: Config): StackService {
  const libDir = path.join(c.stackDir, 'lib', 'kafka');
  const confDir = path.join(stackPaths(c).conf, 'kafka');
  const dataDir = path.join(stackPaths(c).data, 'kafka');
  const props = path.join(confDir, 'server.properties');
  const log4j = path.join(confDir, 'log4j.properties');
  const java = (mainClass: string, ...args: string[]) => [
    `-Xms${c.stackKafkaHeapMb}m`,
    `-Xmx${c.stackKafkaHeapMb}m`,
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    `${libDir}/*`,
    mainClass,
    ...args,
  ];
  const saslPort = kafkaSaslPortOf(c);
  const scramMarker = path.join(dataDir, '.scram-users');
  return {
    name: 'kafka',
    external: c.kafkaBrokers.length > 0,
    tools: ['java', 'mvn', 'openssl'],
    ports: [
      { port: c.stackKafkaPort, setting: 'SHOP_STACK_KAFKA_PORT' },
      { port: c.stackKafkaControllerPort, setting: 'SHOP_STACK_KAFKA_CONTROLLER_PORT' },
      { port: saslPort, setting: 'SHOP_STACK_KAFKA_SASL_PORT' },
    ],
    processes: [
      {
        name: 'kafka',
        command: 'java',
        args: java('kafka.Kafka', props),
        cwd: c.stackDir,
        marker: props,
        ...processFiles(c, 'kafka'),
      },
    ],
    prepare(say) {
      ensureJars('kafka', c.stackDir, say);
      const secured = securedStack(c);
      const plain = secured.kafka.users.plain;
      fs.mkdirSync(confDir, { recursive: true });
      fs.writeFileSync(
        props,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.voters=1@127.0.0.1:${c.stackKafkaControllerPort}`,
          `listeners=PLAINTEXT://127.0.0.1:${c.stackKafkaPort},CONTROLLER://127.0.0.1:${c.stackKafkaControllerPort},SECURED://127.0.0.1:${saslPort}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${c.stackKafkaPort},SECURED://127.0.0.1:${saslPort}`,
          'controller.listener.names=CONTROLLER',
          'inter.broker.listener.name=PLAINTEXT',
          'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SECURED:SASL_SSL',
          'listener.name.secured.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
          `listener.name.secured.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plain.username}="${plain.password}";`,
          'listener.name.secured.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
          'listener.name.secured.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
          'listener.name.secured.ssl.keystore.type=PEM',
          `listener.name.secured.ssl.keystore.location=${secured.keystoreFile}`,
          `log.dirs=${dataDir}`,
          'num.partitions=3',
          'offsets.topic.replication.factor=1',
          'offsets.topic.num.partitions=10',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          // Tests and the demo start consumers right after the broker; no reason to wait 3 s per group.
          'group.initial.rebalance.delay.ms=0',
          '',
        ].join('\n'),
      );
      fs.writeFileSync(
        log4j,
        'log4j.rootLogger=WARN, stdout\nlog4j.logger.kafka.server.KafkaRaftServer=INFO\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n' +
          'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n',
      );
      if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
        say('formatting Kafka storage (first start)');
        const clusterId = randomBytes(16).toString('base64url');
        const r = spawnSync('java', java('kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props), {
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`formatting Kafka storage failed:\n${r.stdout}${r.stderr}`);
      }
    },
    afterStart(say) {
      // SCRAM users live in the cluster metadata: created through the running broker, once per
      // set of credentials (a new data folder or new credentials create them again).
      const users = securedStack(c).kafka.users;
      const scram = [users['scram-sha-256'], users['scram-sha-512']];
      const hash = createHash('sha256').update(JSON.stringify(scram)).digest('hex');
      if (fs.existsSync(scramMarker) && fs.readFileSync(scramMarker, 'utf8') === hash) return;
      say('creating the SCRAM users of the SASL_SSL listener');
      for (const [mechanism, user] of [
        ['SCRAM-SHA-256', users['scram-sha-256']],
        ['SCRAM-SHA-512', users['scram-sha-512']],
      ] as const) {
        // ConfigCommand takes SCRAM passwords only as an argument (its --add-config-file expects
        // ready-made salted credentials); this is the throwaway test stack's own user.
        const r = spawnSync(
          'java',
          java(
            'kafka.admin.ConfigCommand',
            '--bootstrap-server',
            `127.0.0.1:${c.stackKafkaPort}`,
            '--alter',
            '--add-config',
            `${mechanism}=[iterations=4096,password=${user.password}]`,
            '--entity-type',
            'users',
            '--entity-name',
            user.username,
          ),
          { encoding: 'utf8' },
        );
        if (r.status !== 0) throw new Error(`creating the SCRAM user ${user.username} failed:\n${r.stderr}`);
      }
      fs.writeFileSync(scramMarker, hash);
    },
    async checkHealth() {
      const kafka = createKafka(
        { ...c, kafkaBrokers: [`127.0.0.1:${c.stackKafkaPort}`], kafkaSaslMechanism: 'none', kafkaTls: false },
        'stack-health',
        createLogger('silent'),
      );
      const admin = kafka.admin({ retry: { retries: 0 } });
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return `${cluster.brokers.length} broker(s), controller ${cluster.controller}, Kafka ${KAFKA_VERSION}`;
      } finally {
        await admin.disconnect();
      }
    },
  };
}
