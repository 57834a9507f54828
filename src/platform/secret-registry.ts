/**
 * Every secret value this process knows (configuration secrets, service keys as they are read
 * or minted). The logger masks each one wherever it appears in a log line, so a secret that
 * slips into an error message or a field is still never written.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();

  /** Remembers values to mask; short strings are ignored, they would mask ordinary words. */
  add(...values: readonly (string | undefined)[]): void {
    for (const value of values) {
      if (value !== undefined && value.length >= 8) this.#values.add(value);
    }
  }

  /** Forgets a value, e.g. a key that was regenerated and no longer opens anything. */
  delete(value: string): void {
    this.#values.delete(value);
  }

  /** True when the value is one of the known secrets. */
  has(value: string): boolean {
    return this.#values.has(value);
  }

  /**
   * The text with every known secret replaced by `[REDACTED]`, and every JWT too: a scoring
   * token may be one this process never issued (a caller's, or another instance's).
   */
  mask(text: string): string {
    let masked = text.includes('eyJ') ? text.replace(jwtPattern, '[REDACTED]') : text;
    for (const value of this.#values) {
      if (masked.includes(value)) masked = masked.replaceAll(value, '[REDACTED]');
    }
    return masked;
  }
}

/** A JWT anywhere in a text: a header that starts `{"` encodes as `eyJ`. */
const jwtPattern = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
