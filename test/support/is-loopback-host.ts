import { isLoopbackHost as isLoopbackName } from '../../src/platform/loopback.js';

/**
 * Whether a host the test process connects to is loopback: the product's own check, and also
 * no host at all, which Node's `net.connect` takes to mean localhost.
 */
export function isLoopbackHost(host: string): boolean {
  return host.trim() === '' || isLoopbackName(host);
}
