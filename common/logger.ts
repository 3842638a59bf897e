// One pino logger for every process; components take child loggers named for what they do.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Logs to standard output, or to `fd` (2 for tools whose standard output is their result). */
export function createLogger(level: string, name = 'shopsearch', fd = 1): Logger {
  const options = {
    name,
    level,
    // Secrets never reach a log line, whatever logs the request.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["x-admin-key"]',
        '*.apiKey',
        '*.password',
      ],
      censor: '[redacted]',
    },
  };
  return fd === 1 ? pino(options) : pino(options, pino.destination({ fd, sync: true }));
}
