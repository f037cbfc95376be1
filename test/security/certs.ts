// Certificates for TLS tests, made at test time with the system's openssl into a temp dir:
// a CA, a server certificate for localhost/127.0.0.1 and a client certificate, both signed by the CA.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Removes the directory. */
  remove: () => void;
}

const OPENSSL = '/usr/bin/openssl';

function openssl(dir: string, args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate `name`.crt for `cn`, signed by the CA in dir (or self-signed with selfSigned). */
export function makeCert(dir: string, name: string, cn: string, selfSigned = false): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  if (selfSigned) {
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`]);
    return { cert, key };
  }
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
  openssl(dir, ['x509', '-req', '-in', csr, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext]);
  return { cert, key };
}

export function makeCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-certs-'));
  makeCert(dir, 'ca', 'Shoal Test CA', true);
  const srv = makeCert(dir, 'server', 'shoal-server');
  const cli = makeCert(dir, 'client', 'shoal-client');
  return {
    dir,
    ca: path.join(dir, 'ca.crt'),
    serverCert: srv.cert,
    serverKey: srv.key,
    clientCert: cli.cert,
    clientKey: cli.key,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
