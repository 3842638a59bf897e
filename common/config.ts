// Every setting of the service in one typed table: its environment variable, default and meaning.
// docs/settings.md is printed from this table (`npm run config -- --write-docs`).
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
  /** Also read from the file named by <env>_FILE (as container platforms mount secrets); never printed. */
  secret?: boolean;
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
/** A duration as `<n>ms|s|m|h|d` (or `0`: off), in milliseconds. */
const duration: Parser<number> = (raw, name) => {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!m || (m[2] === undefined && m[1] !== '0'))
    throw new ConfigError(`${name} must be a duration such as 90s, 6h or 1d (0: off), got "${raw}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Number(m[1]) * unit;
};
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
const optional = (env: string, doc: string): Setting<string | undefined> =>
  setting(env, undefined as string | undefined, optionalStr, doc);
const secret = (env: string, doc: string): Setting<string | undefined> => ({ ...optional(env, doc), secret: true });

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
  suggestBudgetMs: setting(
    'SHOP_SUGGEST_BUDGET_MS',
    30,
    int,
    "How long a keystroke waits for Elasticsearch's products and categories (and a customer's recent searches) before its suggestions, held in memory, go out without them, marked degraded. A late lookup still fills the per-prefix cache.",
  ),
  suggestRefreshMs: setting(
    'SHOP_SUGGEST_REFRESH_MS',
    1000,
    int,
    'How often the service checks Redis for a new published suggestion version or new deltas (a change reaches every instance within this).',
  ),
  suggestMaxEntries: setting(
    'SHOP_SUGGEST_MAX_ENTRIES',
    2000000,
    int,
    'Most suggestions a published version may hold: every instance holds them all in memory (about 120 MB per million, reported as shop_suggestions_memory_bytes); a larger version is refused by the writer and not loaded by readers.',
  ),
  suggestMaxDeltaChanges: setting(
    'SHOP_SUGGEST_MAX_DELTA_CHANGES',
    50000,
    int,
    'Most changes (upserts and removals) the deltas of one suggestion version may hold; past it a writer must publish a snapshot.',
  ),
  suggestGraceSeconds: setting(
    'SHOP_SUGGEST_GRACE_S',
    3600,
    int,
    'A replaced suggestion version stays in Redis this long (readers still loading it) before the next publish deletes it.',
  ),
  suggestProductConcurrency: setting(
    'SHOP_SUGGEST_PRODUCT_CONCURRENCY',
    16,
    int,
    'Most Elasticsearch product lookups for autocomplete running at once per instance; past it keystrokes go without products (marked degraded) instead of queueing.',
  ),
  suggestProductCacheMb: setting(
    'SHOP_SUGGEST_PRODUCT_CACHE_MB',
    16,
    int,
    'Megabytes of autocomplete product lookups cached in process per typed text (fresh for half of SHOP_CACHE_TTL_S, keyed by index version and rules); 0 turns it off.',
  ),
  cacheEnabled: setting(
    'SHOP_CACHE_ENABLED',
    true,
    bool,
    'Cache search and browse answers (in process, then Redis). Autocomplete has its own per-prefix product cache (SHOP_SUGGEST_PRODUCT_CACHE_MB).',
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
    'Requests per client (known API key, else IP) per route per window, on every route but health and metrics; 0 turns rate limiting off.',
  ),
  rateLimitWindow: setting('SHOP_RATE_LIMIT_WINDOW', '1 minute', str, 'The rate-limit window.'),
  apiKeys: {
    ...setting(
      'SHOP_API_KEYS',
      '',
      str,
      'Known API keys as comma-separated name:key pairs: a request with one (x-api-key) is counted as that client by rate limits and fair shares; any other key counts as its IP.',
    ),
    secret: true,
  },
  trustProxy: setting(
    'SHOP_TRUST_PROXY',
    [] as string[],
    list,
    'Addresses or CIDRs (comma-separated) of the proxies in front of the service, whose X-Forwarded-For names the client IP; empty: the connecting address is the client.',
  ),
  authFailureLimit: setting(
    'SHOP_AUTH_FAILURE_LIMIT',
    20,
    int,
    'Failed authentications (bad admin key or customer token) an IP may make per minute; beyond it every request from that IP gets 429 for the rest of the minute. 0 turns it off.',
  ),
  clientConcurrency: setting(
    'SHOP_CLIENT_CONCURRENCY',
    2,
    int,
    "Requests one client (known API key, else IP) may have in progress at once; more wait in a short queue (4 per slot, 2 s at most), then get 429. Keep it well under Elasticsearch's search threads, or one client's slow requests hold them all. 0 turns it off.",
  ),
  clientBudgetMs: setting(
    'SHOP_CLIENT_BUDGET_MS',
    500,
    int,
    'Milliseconds of service time per second one client may use on average (a burst of 10 s of it is allowed); a client over it gets 429 until it has saved up again. 0 turns it off.',
  ),
  customerTokenSecrets: {
    ...setting(
      'SHOP_CUSTOMER_TOKEN_SECRET',
      [] as string[],
      list,
      "Secret(s) of signed customer tokens, comma-separated (the first mints, all verify, for rotation). When set, `customer` must be a token minted by the shop's backend; raw ids are refused.",
    ),
    secret: true,
  },
  trustCustomerIds: setting(
    'SHOP_TRUST_CUSTOMER_IDS',
    false,
    bool,
    "Without a token secret, accept raw customer ids (anyone can then read and write any customer's recent searches and recommendations: only for demos, or a service reachable only from the shop's backend).",
  ),
  customerTokenTtlSeconds: setting(
    'SHOP_CUSTOMER_TOKEN_TTL_S',
    86400,
    int,
    'Lifetime of customer tokens minted by `npm run customer-token` and the demo route.',
  ),
  demoCustomerTokens: setting(
    'SHOP_DEMO_CUSTOMER_TOKENS',
    false,
    bool,
    'Serve GET /demo/customer-token, which mints a token for any customer id: for the storefront demo only, never in production.',
  ),
  cursorSecret: {
    ...setting(
      'SHOP_CURSOR_SECRET',
      '',
      str,
      'Key that signs paging cursors; empty: a random key per process (cursors then fail over to another instance with a 400 asking to start again). Set the same value on every instance.',
    ),
    secret: true,
  },
  redirectHosts: setting(
    'SHOP_REDIRECT_HOSTS',
    [] as string[],
    list,
    'Hosts (comma-separated) that redirect rules may send shoppers to with an absolute http(s) URL; relative URLs must be same-site paths.',
  ),

  // external servers: when set, the embedded stack does not start that server
  esUrl: optional(
    'SHOP_ES_URL',
    'Elasticsearch URL of an external cluster (ES 7.10+, 8, 9 or OpenSearch 2.x/3.x); unset = embedded stack.',
  ),
  esCloudId: optional('SHOP_ES_CLOUD_ID', 'Elastic Cloud deployment id, instead of SHOP_ES_URL.'),
  esApiKey: secret('SHOP_ES_API_KEY', 'Elasticsearch API key (the base64 `encoded` value, or `id:api_key`).'),
  esUsername: optional('SHOP_ES_USERNAME', 'Elasticsearch or OpenSearch user (basic authentication).'),
  esPassword: secret('SHOP_ES_PASSWORD', 'Password of SHOP_ES_USERNAME.'),
  esCaFile: optional('SHOP_ES_CA_FILE', "PEM file of the CA that signed the cluster's HTTPS certificate."),
  esCaFingerprint: optional(
    'SHOP_ES_CA_FINGERPRINT',
    "SHA-256 fingerprint of the cluster's CA certificate (as ES 8 prints at first start), instead of a CA file.",
  ),
  esTlsVerify: setting(
    'SHOP_ES_TLS_VERIFY',
    true,
    bool,
    "Verify the cluster's HTTPS certificate; false only for a throwaway test cluster.",
  ),
  kafkaBrokers: setting(
    'SHOP_KAFKA_BROKERS',
    [] as string[],
    list,
    'Comma-separated Kafka brokers of an external cluster; empty = embedded stack.',
  ),
  kafkaClientId: setting(
    'SHOP_KAFKA_CLIENT_ID',
    '',
    str,
    "Kafka client id (quotas and broker logs); empty = the process's own name (shopsearch-indexer, shopsearch-query, ...).",
  ),
  kafkaSaslMechanism: setting(
    'SHOP_KAFKA_SASL_MECHANISM',
    'none',
    oneOf('none', 'plain', 'scram-sha-256', 'scram-sha-512'),
    'SASL mechanism for Kafka (Confluent Cloud: plain; MSK and Strimzi: scram-sha-512).',
  ),
  kafkaUsername: optional('SHOP_KAFKA_USERNAME', 'Kafka SASL user (Confluent Cloud: the API key).'),
  kafkaPassword: secret('SHOP_KAFKA_PASSWORD', 'Kafka SASL password (Confluent Cloud: the API secret).'),
  kafkaTls: setting('SHOP_KAFKA_TLS', false, bool, 'Connect to Kafka over TLS (SASL_SSL or SSL listeners).'),
  kafkaCaFile: optional(
    'SHOP_KAFKA_CA_FILE',
    "PEM file of the CA that signed the brokers' certificates; unset = the system CAs.",
  ),
  redisUrl: optional(
    'SHOP_REDIS_URL',
    'Redis URL of an external server (`rediss://` for TLS); unset = embedded stack.',
  ),
  redisUsername: optional('SHOP_REDIS_USERNAME', 'Redis ACL user; unset = the default user.'),
  redisPassword: secret('SHOP_REDIS_PASSWORD', 'Password of the Redis user (or of `requirepass`).'),
  redisTls: setting('SHOP_REDIS_TLS', false, bool, 'Connect to Redis over TLS (implied by a `rediss://` URL).'),
  redisCaFile: optional(
    'SHOP_REDIS_CA_FILE',
    "PEM file of the CA that signed the Redis server's certificate; unset = the system CAs.",
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
  eventsMaxHeld: setting(
    'SHOP_EVENTS_MAX_HELD',
    10000,
    int,
    'Events POST /events holds at once (waiting for the next produce request or being sent); beyond them it answers 503 with Retry-After, so a slow Kafka bounds memory.',
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
  recsRetrainEveryMs: setting(
    'SHOP_RECS_RETRAIN_EVERY',
    86_400_000,
    duration,
    'How often the learner retrains the recommendation model from the interactions and shopper events topics and publishes it (`recommender retrain`, in a child process), as a duration such as 6h or 1d; the first one is due this long after the learner first starts; 0: never. A retrain still running after this long is stopped.',
  ),
  shutdownGraceMs: setting(
    'SHOP_SHUTDOWN_GRACE_MS',
    30_000,
    int,
    'After SIGINT or SIGTERM, how long the service, indexer, learner or analytics consumer may take to stop in order (finish requests, flush, checkpoint, leave its consumer group) before it exits anyway with code 1.',
  ),
  learnerCheckpointMs: setting(
    'SHOP_LEARNER_CHECKPOINT_MS',
    5000,
    int,
    "How often the learner saves its state with the offsets it covers (a restart replays about this much). A large state waits ten times as long as its last save took, so saving never takes more than a tenth of the learner's time.",
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
  algoliaIndex: setting(
    'SHOP_ALGOLIA_INDEX',
    'products',
    str,
    'Index name the Algolia protocol (/1/indexes/...) serves the products under; <name>_price_asc and the other sorts are its replicas, <name>_query_suggestions the autocomplete suggestions (docs/instantsearch.md).',
  ),
  adminKeys: {
    ...setting(
      'SHOP_ADMIN_KEYS',
      '',
      str,
      'Admin API keys as comma-separated name:key pairs; the name is the actor in the audit log. Empty: admin routes refuse everyone.',
    ),
    secret: true,
  },
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
  deadLetterMaxBytes: setting(
    'SHOP_DLQ_MAX_BYTES',
    768 * 1024,
    int,
    "Most bytes in one dead-letter send (keep it under the topic's max.message.bytes, 1 MiB by default); a record's value beyond a quarter of it is truncated, its size and SHA-256 kept in headers.",
  ),
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
    'Longest backoff between retries of a transient failure (Elasticsearch or Kafka down or pushing back); the indexer waits for them, while errors that cannot pass dead-letter the events at once.',
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
  stackEngine: setting(
    'SHOP_STACK_ENGINE',
    'elasticsearch',
    oneOf('elasticsearch', 'opensearch'),
    'Search engine of the embedded stack: Elasticsearch 7.10.2 or OpenSearch 2.19.1.',
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
  stackOpenSearchPort: setting(
    'SHOP_STACK_OPENSEARCH_PORT',
    0,
    portOrOff,
    'HTTP port of embedded OpenSearch node 1 (node i uses port+i-1); 0 = SHOP_STACK_ES_PORT + 50, so both engines can run at once.',
  ),
  stackOpenSearchTransportPort: setting(
    'SHOP_STACK_OPENSEARCH_TRANSPORT_PORT',
    0,
    portOrOff,
    'Transport port of embedded OpenSearch node 1; 0 = SHOP_STACK_ES_TRANSPORT_PORT + 50.',
  ),
  stackOpenSearchSecuredPort: setting(
    'SHOP_STACK_OPENSEARCH_SECURED_PORT',
    0,
    portOrOff,
    'HTTPS port of the secured OpenSearch node (security plugin, for the secured-connection tests; runs with SHOP_STACK_ENGINE=opensearch); its transport port is the OpenSearch transport port + 10. 0 = the OpenSearch port + 10.',
  ),
  stackEsNodes: setting(
    'SHOP_STACK_ES_NODES',
    1,
    int,
    'Number of embedded search engine nodes (Elasticsearch or OpenSearch), one JVM each.',
  ),
  stackEsHeapMb: setting('SHOP_STACK_ES_HEAP_MB', 1024, int, 'Heap of each embedded search engine node.'),
  stackKafkaPort: setting('SHOP_STACK_KAFKA_PORT', 19092, port, 'Broker port of the embedded Kafka.'),
  stackKafkaControllerPort: setting(
    'SHOP_STACK_KAFKA_CONTROLLER_PORT',
    19093,
    port,
    'KRaft controller port of the embedded Kafka.',
  ),
  stackKafkaHeapMb: setting('SHOP_STACK_KAFKA_HEAP_MB', 512, int, 'Heap of the embedded Kafka broker.'),
  stackKafkaSaslPort: setting(
    'SHOP_STACK_KAFKA_SASL_PORT',
    0,
    portOrOff,
    'SASL_SSL listener of the embedded Kafka (SCRAM and PLAIN users, for the secured-connection tests); 0 = broker port + 2.',
  ),
  stackRedisPort: setting('SHOP_STACK_REDIS_PORT', 16379, port, 'Port of the embedded Redis.'),
  stackRedisTlsPort: setting(
    'SHOP_STACK_REDIS_TLS_PORT',
    0,
    portOrOff,
    'TLS port of the second, secured embedded Redis (an ACL user, no default user); 0 = SHOP_STACK_REDIS_PORT + 1.',
  ),
  stackRedisMaxMemoryMb: setting(
    'SHOP_STACK_REDIS_MAXMEMORY_MB',
    256,
    int,
    'maxmemory of the embedded Redis; past it, volatile-lfu evicts only keys with a TTL (caches, recent searches, counters), never rules, learned signals or models.',
  ),
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
    const raw = s.secret ? secretValue(env, s.env) : env[s.env];
    out[key] = raw === undefined ? s.default : s.parse(raw, s.env);
  }
  return out as Config;
}

/** A secret from its variable or from the file its <env>_FILE variable names (not both). */
function secretValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return env[name];
  if (env[name] !== undefined) throw new ConfigError(`set ${name} or ${name}_FILE, not both`);
  try {
    // Mounted secret files usually end with a newline that is not part of the secret.
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new ConfigError(`${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const settingEntries = Object.entries(settings) as [keyof Config, Setting<unknown>][];

/** The environment that loads this configuration again: for a child process to run with the same one. */
export const envOf = (c: Config): Record<string, string> =>
  Object.fromEntries(
    settingEntries.flatMap(([key, s]) => {
      const v = c[key];
      if (v === undefined) return [];
      const raw = Array.isArray(v) ? v.join(',') : s.parse === duration ? `${v as number}ms` : String(v);
      return [[s.env, raw]];
    }),
  );

/** The configured secrets' values, so messages can be scrubbed of them whatever produced the text. */
export const secretsOf = (c: Config): string[] =>
  settingEntries.flatMap(([key, s]) => {
    const v = c[key];
    if (!s.secret) return [];
    // Lists ("a,b") and named keys ("name:key,...") are scrubbed whole and piece by piece.
    const values = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : [];
    const parts = values.flatMap((x) => x.split(',')).flatMap((x) => [x, x.slice(x.indexOf(':') + 1)]);
    return [...new Set([...values, ...parts])].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length);
  });

/** Replaces every configured secret, and any URL password, in a text meant for people or logs. */
export function scrub(text: string, c: Config): string {
  let out = text.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]+@/g, '$1[redacted]@');
  for (const secret of secretsOf(c)) out = out.replaceAll(secret, '[redacted]');
  return out;
}

/** The configuration as `npm run config` prints it: secrets redacted, URLs without passwords. */
export function redactedConfig(c: Config): Record<string, unknown> {
  return Object.fromEntries(
    settingEntries.map(([key, s]) => {
      const v = c[key];
      if (s.secret) return [key, v === undefined ? undefined : '[redacted]'];
      return [key, typeof v === 'string' ? scrub(v, c) : v];
    }),
  );
}

export const esPortOf = (c: Config): number =>
  c.stackEngine === 'opensearch' ? c.stackOpenSearchPort || c.stackEsPort + 50 : c.stackEsPort;
export const esTransportPortOf = (c: Config): number =>
  c.stackEngine === 'opensearch'
    ? c.stackOpenSearchTransportPort || c.stackEsTransportPort + 50
    : c.stackEsTransportPort;
export const openSearchSecuredPortsOf = (c: Config): { http: number; transport: number } => {
  const os: Config = { ...c, stackEngine: 'opensearch' };
  return { http: c.stackOpenSearchSecuredPort || esPortOf(os) + 10, transport: esTransportPortOf(os) + 10 };
};
export const kafkaSaslPortOf = (c: Config): number => c.stackKafkaSaslPort || c.stackKafkaPort + 2;
export const redisTlsPortOf = (c: Config): number => c.stackRedisTlsPort || c.stackRedisPort + 1;

export const esUrlOf = (c: Config): string => c.esUrl ?? `http://127.0.0.1:${esPortOf(c)}`;
/** Whether the search engine is the embedded one (not an external URL or an Elastic Cloud id). */
export const esEmbedded = (c: Config): boolean => c.esUrl === undefined && c.esCloudId === undefined;
export const kafkaBrokersOf = (c: Config): string[] =>
  c.kafkaBrokers.length > 0 ? c.kafkaBrokers : [`127.0.0.1:${c.stackKafkaPort}`];
export const redisUrlOf = (c: Config): string => c.redisUrl ?? `redis://127.0.0.1:${c.stackRedisPort}`;
export const corsOriginsOf = (c: Config): string[] =>
  c.corsOrigins
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The settings as a Markdown table, for docs/settings.md. */
export function settingsMarkdown(): string {
  const rows = Object.values(settings).map((s: Setting<unknown>) => {
    const def = Array.isArray(s.default) ? s.default.join(',') : s.default;
    const shown = def === undefined || def === '' ? '(unset)' : String(def).replace(projectRoot, '.');
    const doc = s.secret ? `${s.doc} Secret: or read from the file named by \`${s.env}_FILE\`; never printed.` : s.doc;
    return `| \`${s.env}\` | \`${shown}\` | ${doc.replaceAll('<', '&lt;')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
