// Test certificates made with openssl (as the lab's own material is): a private CA, a server certificate
// for 127.0.0.1 signed by it, and a self-signed CN-only certificate like the old registry guides make.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  caPem: string;
  serverKey: string;
  serverCert: string;
  cnOnlyKey: string;
  cnOnlyCert: string;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'hc-ks-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Harbor Connect test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  // No extfile: no SANs, only the CN (what `openssl req -subj "/CN=…"` + `openssl x509 -req` gives).
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'cn.key', '-out', 'cn.csr', '-subj', '/CN=127.0.0.1');
  run('x509', '-req', '-in', 'cn.csr', '-signkey', 'cn.key', '-out', 'cn.crt', '-days', '2');
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { dir, caPem: read('ca.crt'), serverKey: read('server.key'), serverCert: read('server.crt'), cnOnlyKey: read('cn.key'), cnOnlyCert: read('cn.crt') };
}
