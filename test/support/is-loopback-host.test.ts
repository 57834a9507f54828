import { describe, expect, it } from 'vitest';

import { isLoopbackHost } from './is-loopback-host.js';

describe('isLoopbackHost', () => {
  it('accepts localhost, 127.0.0.0/8 and ::1 in their usual spellings', () => {
    const hosts = ['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '::1', '[::1]'];
    hosts.push('0:0:0:0:0:0:0:1', '::ffff:127.0.0.1');

    expect(hosts.filter((host) => !isLoopbackHost(host))).toEqual([]);
  });

  it('refuses every other address and name', () => {
    const hosts = ['10.0.0.1', '169.254.169.254', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1'];
    hosts.push('128.0.0.1', 'example.com', 'localhost.example.com', '127.0.0.1.nip.io');

    expect(hosts.filter((host) => isLoopbackHost(host))).toEqual([]);
  });
});
