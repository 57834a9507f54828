/**
 * Vitest setup file: the test process may only reach loopback. Any TCP connection or DNS
 * lookup aimed at another host throws a {@link LoopbackOnlyError} before a packet leaves,
 * so a stray default (a real Slack, Azure or Kubernetes URL) fails the test loudly.
 * Connections to Unix sockets and named pipes are allowed.
 *
 * This is the one module patch the suite allows; everything else is faked with local servers.
 * Importing this module installs the guard.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

import { isLoopbackHost } from './is-loopback-host.js';
import { LoopbackOnlyError } from './loopback-only-error.js';

const installed = Symbol.for('shipmate.loopbackOnly');

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
type Lookup = (hostname: string, ...rest: unknown[]) => unknown;
type PromisesLookup = (hostname: string, ...rest: unknown[]) => Promise<unknown>;

/** Installs the guard in this process; calling it again does nothing. */
export function installLoopbackOnly(): void {
  const socketProto = net.Socket.prototype as unknown as Record<symbol, unknown> & {
    connect: Connect;
  };
  if (socketProto[installed] === true) return;
  socketProto[installed] = true;

  const connect = socketProto.connect;
  socketProto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target !== undefined && !isLoopbackHost(target.host)) {
      this.destroy();
      throw new LoopbackOnlyError(target.host, `a TCP connection (port ${target.port})`);
    }
    return connect.apply(this, args);
  };

  const lookup = dns.lookup as unknown as Lookup;
  (dns as unknown as { lookup: Lookup }).lookup = function guardedLookup(hostname, ...rest) {
    if (typeof hostname === 'string' && !isLoopbackHost(hostname)) {
      throw new LoopbackOnlyError(hostname, 'a DNS lookup');
    }
    return lookup.call(dns, hostname, ...rest);
  };

  const promises = dns.promises as unknown as { lookup: PromisesLookup };
  const promisesLookup = promises.lookup;
  promises.lookup = async function guardedPromisesLookup(hostname, ...rest) {
    if (typeof hostname === 'string' && !isLoopbackHost(hostname)) {
      throw new LoopbackOnlyError(hostname, 'a DNS lookup');
    }
    return promisesLookup.call(promises, hostname, ...rest);
  };

  // Lets `import { lookup } from 'node:dns'` see the guarded function too.
  syncBuiltinESMExports();
}

/** The host and port a `Socket#connect` call aims at; undefined for a Unix socket or pipe. */
function connectTarget(args: unknown[]): { host: string; port: string } | undefined {
  // net.connect() hands over its arguments already normalized, as [options, callback].
  const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const [first, second] = list;

  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === 'string' && options.path !== '') return undefined;
    const host = typeof options.host === 'string' ? options.host : 'localhost';
    return { host, port: String(options.port) };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return undefined;

  return { host: typeof second === 'string' ? second : 'localhost', port: String(first) };
}

installLoopbackOnly();
