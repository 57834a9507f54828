/** Thrown when a test tries to reach a host that is not loopback. */
export class LoopbackOnlyError extends Error {
  /** Stable code, as on Node's own errors. */
  readonly code = 'ERR_LOOPBACK_ONLY';

  constructor(
    readonly host: string,
    readonly what: string,
  ) {
    super(
      `loopback-only: refused ${what} to ${host}; tests may only reach 127.0.0.0/8, ::1 ` +
        'and localhost. Point the code under test at a local stand-in ' +
        '(see test/support/loopback-only.ts).',
    );
    this.name = 'LoopbackOnlyError';
  }
}
