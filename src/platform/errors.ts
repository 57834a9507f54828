/**
 * The semantic kinds of failure. Each edge (chat reply, HTTP status, job outcome) maps these
 * once; errors that crossed Redis lost their prototype, so match on `code`, not `instanceof`.
 */
export type ErrorKind =
  'input' | 'not_allowed' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

/** Options shared by every {@link ShipmateError}. */
export interface ShipmateErrorOptions {
  /** Stable machine-readable code, e.g. `model_not_found`. */
  code: string;
  kind: ErrorKind;
  /** Text safe to show in chat: no secret, no stack, says what to do next. */
  userMessage: string;
  /** Operator-facing detail; defaults to the user message. */
  message?: string;
  cause?: unknown;
}

/** Base of every error the product raises on purpose. */
export class ShipmateError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly userMessage: string;

  constructor(options: ShipmateErrorOptions) {
    super(options.message ?? options.userMessage, { cause: options.cause });
    this.name = 'ShipmateError';
    this.code = options.code;
    this.kind = options.kind;
    this.userMessage = options.userMessage;
  }
}

type KindOptions = Omit<ShipmateErrorOptions, 'kind'>;

/** The request itself is wrong: bad syntax, bad value, a rule it breaks. */
export class InputError extends ShipmateError {
  /** Usage line shown with the message, when the error came from a command. */
  readonly usage: string | undefined;

  constructor(options: KindOptions & { usage?: string }) {
    super({ ...options, kind: 'input' });
    this.name = 'InputError';
    this.usage = options.usage;
  }
}

/** Policy or authentication refuses the request. */
export class NotAllowedError extends ShipmateError {
  constructor(options: KindOptions) {
    super({ ...options, kind: 'not_allowed' });
    this.name = 'NotAllowedError';
  }
}

/** A named thing (model, service, job) does not exist. */
export class NotFoundError extends ShipmateError {
  constructor(options: KindOptions) {
    super({ ...options, kind: 'not_found' });
    this.name = 'NotFoundError';
  }
}

/** The request clashes with the current state (a name already taken, a job in the way). */
export class ConflictError extends ShipmateError {
  constructor(options: KindOptions) {
    super({ ...options, kind: 'conflict' });
    this.name = 'ConflictError';
  }
}

/** Something the product depends on (Redis, a target, a model process) cannot be reached. */
export class UnavailableError extends ShipmateError {
  constructor(options: KindOptions) {
    super({ ...options, kind: 'unavailable' });
    this.name = 'UnavailableError';
  }
}

/** True for a ShipmateError, or a plain object that was one before it crossed Redis. */
export function isShipmateError(value: unknown): value is ShipmateError {
  if (value instanceof ShipmateError) return true;
  if (typeof value !== 'object' || value === null) return false;

  const candidate = value as Partial<ShipmateError>;
  return typeof candidate.code === 'string' && typeof candidate.userMessage === 'string';
}

/** The message to show a user for any thrown value, with a correlation id for the unknown. */
export function userMessageOf(error: unknown, correlationId: string): string {
  if (isShipmateError(error)) return error.userMessage;
  return `Something went wrong on our side (ref ${correlationId}). The operators have the details.`;
}
