import { Writable } from 'node:stream';

import { pino, type DestinationStream, type LogFn } from 'pino';
import pretty from 'pino-pretty';

import type { SecretRegistry } from './secret-registry.js';

/** The logging surface the product uses; pino underneath. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  secrets: SecretRegistry;
  /** Where lines go; defaults to stdout, pretty when it is a terminal. */
  destination?: NodeJS.WritableStream;
  pretty?: boolean;
}

/**
 * Field names whose values are never written, at any depth and in any letter case. pino's own
 * path redaction has no recursive wildcard, so the walk is ours.
 */
const secretNames = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  '.*token',
  'keys?',
  '(primary|secondary)_?key',
  '(signing|client)_?secret',
  'kubeconfig',
  'response_?url',
];
const secretField = new RegExp(`^(${secretNames.join('|')})$`, 'i');

/** A copy of a log object with every secret-named field replaced. */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  // Errors carry what SDKs attached (request headers, tokens): serialize, then walk them.
  if (value instanceof Error) return redactFields(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));

  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    copy[name] = secretField.test(name) ? '[REDACTED]' : redactFields(field, depth + 1);
  }
  return copy;
}

/**
 * A pino logger that redacts by field name and, as a second net, by value: the final line
 * is masked against every secret the process knows before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const usePretty = options.pretty ?? (out === process.stdout && process.stdout.isTTY);
  const sink: NodeJS.WritableStream = usePretty
    ? pretty({ destination: out as unknown as DestinationStream, sync: true })
    : out;

  const masking = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      sink.write(options.secrets.mask(chunk.toString()));
      done();
    },
  });

  const root = pino(
    {
      level: options.level,
      formatters: {
        log: (object) => redactFields(object) as Record<string, unknown>,
      },
      base: { pid: process.pid },
    },
    masking,
  );
  return withRedactedBindings(root);
}

/** pino passes a child's own fields through no formatter, so they are redacted here. */
function withRedactedBindings(logger: pino.Logger): Logger {
  return {
    child: (bindings) => withRedactedBindings(logger.child(redactFields(bindings) as object)),
    fatal: logger.fatal.bind(logger),
    error: logger.error.bind(logger),
    warn: logger.warn.bind(logger),
    info: logger.info.bind(logger),
    debug: logger.debug.bind(logger),
    trace: logger.trace.bind(logger),
  };
}
