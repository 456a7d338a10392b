/**
 * The node's log (pino, JSON lines). Secrets must never reach it: API tokens, private keys, TLS keys and database
 * passwords are redacted wherever they appear in a logged object, and the HTTP request serializer logs neither
 * headers nor bodies — an operator shares logs with people who must not be able to act as the node or its users.
 */
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/** Field names that hold a secret, redacted at the top level and one or two levels down. */
const SECRET_FIELDS = ['authorization', 'token', 'password', 'signingKey', 'privateKey', 'keyPem', 'seed', 'connectionString'];

export const REDACTED_PATHS: readonly string[] = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]).concat([
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  // A postgres URL holds its password.
  'database.url',
  '*.database.url',
  '*.*.database.url',
]);

/** A postgres URL with its password replaced, for messages that must name the database. */
export function withoutPassword(url: string): string {
  return url.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where the lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Fixed fields on every line, e.g. { party }. */
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: opts.base ?? {},
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // Strings can carry secrets too (a URL with a password in an error message): mask the known shape.
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? withoutPassword(a) : a)));
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
