// One pino logger for every process; components take child loggers named for what they do.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'shopsearch'): Logger {
  return pino({
    name,
    level,
    // Secrets never reach a log line, whatever logs the request.
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-admin-key"]', '*.apiKey', '*.password'], censor: '[redacted]' },
  });
}
