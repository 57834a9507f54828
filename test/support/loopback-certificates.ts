import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { generate } from 'selfsigned';

/** A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost. */
export interface LoopbackCertificates {
  /** PEM of the CA certificate. */
  ca: string;
  /** A file holding `ca`, for `NODE_EXTRA_CA_CERTS`. */
  caFile: string;
  /** PEM of the server's private key. */
  key: string;
  /** PEM of the server certificate. */
  cert: string;
  /** Deletes `caFile`. */
  remove(): Promise<void>;
}

/**
 * Makes a CA and a server certificate (IP SAN 127.0.0.1, DNS SAN localhost, valid for a day)
 * at run time, so no private key is ever committed, and writes the CA to a temporary file.
 */
export async function createLoopbackCertificates(): Promise<LoopbackCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 86_400_000);
  const ca = await generate([{ name: 'commonName', value: 'Shipmate test CA' }], {
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'shipmate-ca-'));
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, ca.cert);

  return {
    ca: ca.cert,
    caFile,
    key: server.private,
    cert: server.cert,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
