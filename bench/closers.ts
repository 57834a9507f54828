/** Things the bench started, stopped in reverse order exactly once, also on a signal. */
export class Closers {
  readonly #stack: Array<{ name: string; close: () => Promise<unknown> }> = [];
  #closing: Promise<void> | undefined;

  add(name: string, close: () => Promise<unknown>): void {
    this.#stack.push({ name, close });
  }

  /** Closes everything, newest first; a failure is reported and the rest still close. */
  closeAll(report: (text: string) => void): Promise<void> {
    this.#closing ??= (async () => {
      for (const { name, close } of this.#stack.reverse()) {
        await close().catch((error: unknown) => report(`could not stop ${name}: ${String(error)}`));
      }
    })();
    return this.#closing;
  }

  /** On SIGINT or SIGTERM: close everything and exit 130. */
  onSignals(report: (text: string) => void): void {
    const stop = (signal: string): void => {
      report(`${signal}: stopping what the bench started`);
      void this.closeAll(report).finally(() => process.exit(130));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}
