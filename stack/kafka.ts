// Embedded Apache Kafka 3.9.1: one KRaft broker that is its own controller, formatted on first start.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../common/config.ts';
import { createKafka } from '../common/clients/kafka.ts';
import { createLogger } from '../common/logger.ts';
import { ensureJars } from './jars.ts';
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
  return {
    name: 'kafka',
    external: c.kafkaBrokers.length > 0,
    tools: ['java', 'mvn'],
    ports: [
      { port: c.stackKafkaPort, setting: 'SHOP_STACK_KAFKA_PORT' },
      { port: c.stackKafkaControllerPort, setting: 'SHOP_STACK_KAFKA_CONTROLLER_PORT' },
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
      fs.mkdirSync(confDir, { recursive: true });
      fs.writeFileSync(
        props,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.voters=1@127.0.0.1:${c.stackKafkaControllerPort}`,
          `listeners=PLAINTEXT://127.0.0.1:${c.stackKafkaPort},CONTROLLER://127.0.0.1:${c.stackKafkaControllerPort}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${c.stackKafkaPort}`,
          'controller.listener.names=CONTROLLER',
          'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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
    async checkHealth() {
      const kafka = createKafka([`127.0.0.1:${c.stackKafkaPort}`], 'stack-health', createLogger('silent'));
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
