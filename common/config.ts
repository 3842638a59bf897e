// Every setting of the service in one typed table: its environment variable, default and meaning.
// The README's configuration table is printed from this table (`npm run config -- --markdown`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether this runs from sources or from the build in dist/. */
export const projectRoot = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
})();

type Parser<T> = (raw: string, name: string) => T;

interface Setting<T> {
  env: string;
  default: T;
  parse: Parser<T>;
  doc: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const str: Parser<string> = (raw) => raw;
const optionalStr: Parser<string | undefined> = (raw) => (raw === '' ? undefined : raw);
const int: Parser<number> = (raw, name) => {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  return n;
};
const port: Parser<number> = (raw, name) => {
  const n = int(raw, name);
  if (n < 1 || n > 65535) throw new ConfigError(`${name} must be a port (1-65535), got "${raw}"`);
  return n;
};
const portOrOff: Parser<number> = (raw, name) => (raw === '0' ? 0 : port(raw, name));
const bool: Parser<boolean> = (raw, name) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
};
const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw, name) => {
    if (!(values as string[]).includes(raw))
      throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };

const setting = <T>(env: string, def: T, parse: Parser<T>, doc: string): Setting<T> => ({
  env,
  default: def,
  parse,
  doc,
});

export const settings = {
  // service
  httpHost: setting('SHOP_HTTP_HOST', '127.0.0.1', str, 'Address the HTTP service listens on.'),
  httpPort: setting('SHOP_HTTP_PORT', 8080, port, 'Port the HTTP service listens on.'),
  logLevel: setting(
    'SHOP_LOG_LEVEL',
    'info',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    'pino log level.',
  ),
  readyRequires: setting(
    'SHOP_READY_REQUIRES',
    ['elasticsearch', 'redis'],
    list,
    'Dependencies that must be up for /health/ready to answer 200; the others only mark it degraded.',
  ),
  readinessTimeoutMs: setting(
    'SHOP_READINESS_TIMEOUT_MS',
    1500,
    int,
    'Per-dependency time limit of a /health/ready check.',
  ),

  searchBudgetMs: setting(
    'SHOP_SEARCH_BUDGET_MS',
    1500,
    int,
    'Time Elasticsearch gets for a search or category page before the request fails fast (or is answered from a stale cache).',
  ),
  suggestBudgetMs: setting('SHOP_SUGGEST_BUDGET_MS', 300, int, 'Time Elasticsearch gets for an autocomplete request.'),
  cacheEnabled: setting(
    'SHOP_CACHE_ENABLED',
    true,
    bool,
    'Cache search, browse and suggest answers (in process, then Redis).',
  ),
  cacheTtlSeconds: setting(
    'SHOP_CACHE_TTL_S',
    30,
    int,
    'How long a cached answer is fresh in Redis; in process it is fresh for half of this.',
  ),
  cacheStaleSeconds: setting(
    'SHOP_CACHE_STALE_S',
    600,
    int,
    'How long Redis keeps an answer to serve, marked stale, while Elasticsearch is down.',
  ),
  cacheMaxMb: setting(
    'SHOP_CACHE_MAX_MB',
    64,
    int,
    'Megabytes of answers the in-process cache may hold (entries past their time to live are purged).',
  ),
  redisPrefix: setting('SHOP_REDIS_PREFIX', 'shop:', str, 'Prefix of every Redis key the service writes.'),
  rateLimitMax: setting(
    'SHOP_RATE_LIMIT_MAX',
    1200,
    int,
    'Requests per client (API key, else IP) per route per window; 0 turns rate limiting off.',
  ),
  rateLimitWindow: setting('SHOP_RATE_LIMIT_WINDOW', '1 minute', str, 'The rate-limit window.'),

  // external servers: when set, the embedded stack does not start that server
  esUrl: setting(
    'SHOP_ES_URL',
    undefined as string | undefined,
    optionalStr,
    'Elasticsearch URL of an external cluster (ES 7.10+, 8, 9 or OpenSearch); unset = embedded stack.',
  ),
  kafkaBrokers: setting(
    'SHOP_KAFKA_BROKERS',
    [] as string[],
    list,
    'Comma-separated Kafka brokers of an external cluster; empty = embedded stack.',
  ),
  redisUrl: setting(
    'SHOP_REDIS_URL',
    undefined as string | undefined,
    optionalStr,
    'Redis URL of an external server; unset = embedded stack.',
  ),
  esRequestTimeoutMs: setting('SHOP_ES_REQUEST_TIMEOUT_MS', 10000, int, 'Default Elasticsearch request timeout.'),

  // index
  indexAlias: setting(
    'SHOP_INDEX_ALIAS',
    'products',
    str,
    'Alias searches read from; versioned indices are named <alias>-<n>.',
  ),
  indexShards: setting('SHOP_INDEX_SHARDS', 3, int, 'Primary shards of a new index version.'),
  indexReplicas: setting('SHOP_INDEX_REPLICAS', 0, int, 'Replicas of a new index version (0 on a one-node stack).'),
  indexRefreshInterval: setting(
    'SHOP_INDEX_REFRESH_INTERVAL',
    '1s',
    str,
    'Refresh interval: how soon writes become searchable.',
  ),
  synonymsFile: setting(
    'SHOP_SYNONYMS_FILE',
    path.join(projectRoot, 'mappings', 'synonyms.txt'),
    str,
    'Solr-format synonyms file used by the search analyzer.',
  ),

  // the closed loop: what the service showed, what shoppers did, and the learner that folds them in
  impressionsTopic: setting(
    'SHOP_IMPRESSIONS_TOPIC',
    'impressions',
    str,
    'Kafka topic every answer is recorded to under its query_id (what was shown, to whom); empty = not recorded.',
  ),
  shopperEventsTopic: setting(
    'SHOP_SHOPPER_EVENTS_TOPIC',
    'events',
    str,
    'Kafka topic of shopper events (POST /events, or written by the shop directly, keyed by session); malformed ones go to <topic>.dlq.',
  ),
  shopperEventsPartitions: setting(
    'SHOP_SHOPPER_EVENTS_PARTITIONS',
    6,
    int,
    'Partitions of the impressions and shopper-events topics when the service or learner creates them.',
  ),
  eventsPublishTimeoutMs: setting(
    'SHOP_EVENTS_PUBLISH_TIMEOUT_MS',
    2000,
    int,
    'How long POST /events waits for Kafka to take a batch before answering 503 with Retry-After.',
  ),
  learnerGroup: setting('SHOP_LEARNER_GROUP', 'shopsearch-learner', str, 'Consumer group of the learner.'),
  learnerInstance: setting(
    'SHOP_LEARNER_INSTANCE',
    '',
    str,
    'Names this learner for the lock that lets one learner run while others stand by; empty: host name and process id.',
  ),
  learnerPublishMs: setting(
    'SHOP_LEARNER_PUBLISH_MS',
    1000,
    int,
    'How often the learner publishes what changed (learned click signals) as one new revision.',
  ),
  learnerCheckpointMs: setting(
    'SHOP_LEARNER_CHECKPOINT_MS',
    5000,
    int,
    'How often the learner saves its state with the offsets it covers (a restart replays at most this much).',
  ),
  learnerMaxQueries: setting(
    'SHOP_LEARNER_MAX_QUERIES',
    100000,
    int,
    'Queries whose clicks the learner keeps (the most clicked, decayed); the rest are forgotten.',
  ),
  learnerImpressionWindowS: setting(
    'SHOP_LEARNER_IMPRESSION_WINDOW_S',
    3600,
    int,
    'How long (event time) an answer waits for its clicks; later clicks are counted as unattributed.',
  ),
  learnerMetricsPort: setting(
    'SHOP_LEARNER_METRICS_PORT',
    19465,
    portOrOff,
    "Port of the learner process's /metrics (0 = off).",
  ),

  // analytics and experiments: impressions and events in time-based Elasticsearch indices
  analyticsPrefix: setting(
    'SHOP_ANALYTICS_PREFIX',
    'shop-analytics',
    str,
    'Names of the analytics indices: <prefix>-searches-YYYY.MM.DD (answers with what followed them) and <prefix>-events-YYYY.MM.DD, each family behind the alias <prefix>-searches / <prefix>-events.',
  ),
  analyticsGroup: setting(
    'SHOP_ANALYTICS_GROUP',
    'shopsearch-analytics',
    str,
    'Consumer group of the analytics consumer.',
  ),
  analyticsRetentionDays: setting(
    'SHOP_ANALYTICS_RETENTION_DAYS',
    90,
    int,
    'Daily analytics indices older than this many days are deleted by the analytics consumer.',
  ),
  analyticsMetricsPort: setting(
    'SHOP_ANALYTICS_METRICS_PORT',
    19466,
    portOrOff,
    "Port of the analytics consumer's /metrics (0 = off).",
  ),
  analyticsMaxRangeDays: setting(
    'SHOP_ANALYTICS_MAX_RANGE_DAYS',
    92,
    int,
    'Longest time range an analytics report may cover (hourly buckets: at most 14 days).',
  ),
  experimentsMinSearches: setting(
    'SHOP_EXPERIMENTS_MIN_SEARCHES',
    100,
    int,
    'Searches each variant (interleaving: lists shown) needs before results give a significance test instead of "not enough data yet".',
  ),
  suggestMinUsers: setting(
    'SHOP_SUGGEST_MIN_USERS',
    2,
    int,
    'A logged query becomes a suggestion once this many distinct shoppers searched it, or once each of its words is in the catalog or searched by this many shoppers.',
  ),
  recentSearches: setting(
    'SHOP_RECENT_SEARCHES',
    20,
    int,
    'Searches kept per customer (`customer` on /search); /suggest with the same `customer` offers up to two of them first when they start as typed. 0 turns it off.',
  ),
  recentSearchesTtlDays: setting(
    'SHOP_RECENT_SEARCHES_TTL_DAYS',
    30,
    int,
    "A customer's recent searches are forgotten this many days after their last search.",
  ),

  // recommendations
  interactionsTopic: setting(
    'SHOP_INTERACTIONS_TOPIC',
    'interactions',
    str,
    'Kafka topic of interaction events (view, cart, purchase) that `recommender train --topic` reads.',
  ),
  recsModelDir: setting(
    'SHOP_RECS_MODEL_DIR',
    path.join(projectRoot, '.models'),
    str,
    'Where `recommender train` saves model artifacts.',
  ),
  recsPointerTtlMs: setting(
    'SHOP_RECS_POINTER_TTL_MS',
    1000,
    int,
    'How long the service reuses the published-version pointer before reading it again (a publish reaches every reader within this).',
  ),
  recsAnswerCacheMb: setting(
    'SHOP_RECS_ANSWER_CACHE_MB',
    32,
    int,
    'Megabytes of serialized rail answers kept for the published version (a repeated request is one lookup); 0 turns it off.',
  ),
  rulesRefreshMs: setting(
    'SHOP_RULES_REFRESH_MS',
    1000,
    int,
    'How often the service checks for edited merchandiser rules (an edit applies within this).',
  ),
  maxEventLoopDelayMs: setting(
    'SHOP_MAX_EVENT_LOOP_DELAY_MS',
    300,
    int,
    'While the event loop lags more than this, requests (not health checks) get 503 with Retry-After at once: the service sheds load instead of slowing down for everyone. 0 turns it off.',
  ),
  corsOrigins: setting(
    'SHOP_CORS_ORIGINS',
    '',
    str,
    'Origins (comma-separated, e.g. https://shop.example) whose pages may call the API from a browser; empty: only pages served by the service itself.',
  ),
  adminKeys: setting(
    'SHOP_ADMIN_KEYS',
    '',
    str,
    'Admin API keys as comma-separated name:key pairs; the name is the actor in the audit log. Empty: admin routes refuse everyone.',
  ),
  recsCacheMb: setting(
    'SHOP_RECS_CACHE_MB',
    64,
    int,
    'Megabytes of lists and product fields of the published version kept parsed in process (versions never change, so they are never stale); 0 turns it off.',
  ),
  recsGraceSeconds: setting(
    'SHOP_RECS_GRACE_S',
    3600,
    int,
    'A replaced model version stays in Redis this long (for rollback and in-flight readers) before `recommender publish` deletes it.',
  ),
  recsDefaultSize: setting('SHOP_RECS_DEFAULT_SIZE', 10, int, 'Items per rail when the request gives no size.'),
  recsMaxSize: setting(
    'SHOP_RECS_MAX_SIZE',
    50,
    int,
    'Largest rail a request may ask for (published lists are `listSize` = 50 long, a training option).',
  ),
  recsInStockOnly: setting(
    'SHOP_RECS_IN_STOCK_ONLY',
    true,
    bool,
    'Rails hide out-of-stock items unless the request sets in_stock=false.',
  ),

  // indexer
  eventsTopic: setting(
    'SHOP_EVENTS_TOPIC',
    'products',
    str,
    'Topic of product change events; high-priority events use <topic>.priority, rejected ones go to <topic>.dlq.',
  ),
  eventsPartitions: setting(
    'SHOP_EVENTS_PARTITIONS',
    6,
    int,
    'Partitions of the event topics when the indexer creates them.',
  ),
  indexerGroup: setting(
    'SHOP_INDEXER_GROUP',
    'shopsearch-indexer',
    str,
    'Consumer group of the indexer (the priority lane uses <group>.priority).',
  ),
  indexerConcurrency: setting('SHOP_INDEXER_CONCURRENCY', 3, int, 'Partitions each lane processes at once.'),
  indexerBatchSize: setting('SHOP_INDEXER_BATCH_SIZE', 1000, int, 'Most events merged into one bulk request.'),
  indexerBatchBytes: setting(
    'SHOP_INDEXER_BATCH_BYTES',
    8 * 2 ** 20,
    int,
    'Most event bytes merged into one bulk request.',
  ),
  indexerSessionTimeoutMs: setting(
    'SHOP_INDEXER_SESSION_TIMEOUT_MS',
    30000,
    int,
    'Consumer session timeout: how long a crashed indexer holds its partitions before another takes them over.',
  ),
  maxEventBytes: setting('SHOP_MAX_EVENT_BYTES', 256 * 1024, int, 'Larger events are dead-lettered as oversized.'),
  retryBaseMs: setting(
    'SHOP_RETRY_BASE_MS',
    200,
    int,
    'First backoff after a transient failure (doubles, with jitter).',
  ),
  retryMaxMs: setting(
    'SHOP_RETRY_MAX_MS',
    30000,
    int,
    'Longest backoff between retries; the indexer retries until it succeeds.',
  ),
  indexerMetricsPort: setting(
    'SHOP_INDEXER_METRICS_PORT',
    19464,
    portOrOff,
    "Port of the indexer process's /metrics (0 = off).",
  ),

  // embedded stack
  stackDir: setting(
    'SHOP_STACK_DIR',
    path.join(projectRoot, '.stack'),
    str,
    'Where the embedded stack keeps jars, data, logs and pid files.',
  ),
  stackEsPort: setting(
    'SHOP_STACK_ES_PORT',
    19200,
    port,
    'HTTP port of embedded Elasticsearch node 1 (node i uses port+i-1).',
  ),
  stackEsTransportPort: setting(
    'SHOP_STACK_ES_TRANSPORT_PORT',
    19300,
    port,
    'Transport port of embedded Elasticsearch node 1 (node i uses port+i-1).',
  ),
  stackEsNodes: setting('SHOP_STACK_ES_NODES', 1, int, 'Number of embedded Elasticsearch nodes, one JVM each.'),
  stackEsHeapMb: setting('SHOP_STACK_ES_HEAP_MB', 1024, int, 'Heap of each embedded Elasticsearch node.'),
  stackKafkaPort: setting('SHOP_STACK_KAFKA_PORT', 19092, port, 'Broker port of the embedded Kafka.'),
  stackKafkaControllerPort: setting(
    'SHOP_STACK_KAFKA_CONTROLLER_PORT',
    19093,
    port,
    'KRaft controller port of the embedded Kafka.',
  ),
  stackKafkaHeapMb: setting('SHOP_STACK_KAFKA_HEAP_MB', 512, int, 'Heap of the embedded Kafka broker.'),
  stackRedisPort: setting('SHOP_STACK_REDIS_PORT', 16379, port, 'Port of the embedded Redis.'),
  stackStartTimeoutMs: setting(
    'SHOP_STACK_START_TIMEOUT_MS',
    120000,
    int,
    'How long `stack up` waits for each server to turn healthy.',
  ),
  stackInstall: setting(
    'SHOP_STACK_INSTALL',
    true,
    bool,
    'Install missing JDK, Maven and redis-server with apt-get when running as root.',
  ),
} as const;

type Settings = typeof settings;
export type Config = { readonly [K in keyof Settings]: Settings[K]['default'] };

/** Reads the configuration from an environment (process.env by default); throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const raw = env[s.env];
    out[key] = raw === undefined ? s.default : s.parse(raw, s.env);
  }
  return out as Config;
}

export const esUrlOf = (c: Config): string => c.esUrl ?? `http://127.0.0.1:${c.stackEsPort}`;
export const kafkaBrokersOf = (c: Config): string[] =>
  c.kafkaBrokers.length > 0 ? c.kafkaBrokers : [`127.0.0.1:${c.stackKafkaPort}`];
export const redisUrlOf = (c: Config): string => c.redisUrl ?? `redis://127.0.0.1:${c.stackRedisPort}`;
export const corsOriginsOf = (c: Config): string[] =>
  c.corsOrigins
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The settings as a Markdown table, for the README. */
export function settingsMarkdown(): string {
  const rows = Object.values(settings).map((s: Setting<unknown>) => {
    const def = Array.isArray(s.default) ? s.default.join(',') : s.default;
    const shown = def === undefined || def === '' ? '(unset)' : String(def).replace(projectRoot, '.');
    return `| \`${s.env}\` | \`${shown}\` | ${s.doc.replaceAll('<', '&lt;')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
