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

/** Field paths whose values are never written, whatever they hold. */
export const redactedPaths = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'key',
  '*.key',
  'keys',
  '*.keys',
  'primaryKey',
  'secondaryKey',
  'password',
  '*.password',
  'kubeconfig',
  '*.kubeconfig',
  'response_url',
  '*.response_url',
  'responseUrl',
  '*.responseUrl',
  'signingSecret',
  'botToken',
];

/**
 * A pino logger that redacts by path and, as a second net, by value: the final line is
 * masked against every secret the process knows before it is written.
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

  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[REDACTED]' },
      base: { pid: process.pid },
    },
    masking,
  );
}
