// The registries' TLS and auth material, made once with openssl and htpasswd (the same tools the guide uses)
// and kept in <labDir>/registry across restarts. Nothing here is ever committed or logged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabUser {
  username: string;
  password: string;
}

/** Lab-only fixture accounts (documented in the lab brief; they protect nothing outside the sandbox). */
export const LAB_USERS: readonly LabUser[] = [
  { username: 'admin', password: 'Harbor12345' },
  { username: 'robot$demo+ci', password: 'RobotSecret123' },
];

export interface RegistryMaterial {
  dir: string;
  /** The lab CA that signs the SAN server certificate (what a user uploads as "CA"). */
  caCert: string;
  caKey: string;
  /** Server certificate with SANs DNS:localhost, DNS:harbor.lab.local, IP:127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** The guide's certificate: self-signed, CN=harbor.lab.local only, no extensions at all. */
  legacyCert: string;
  legacyKey: string;
  htpasswd: string;
}

export const SERVER_SANS = ['DNS:localhost', 'DNS:harbor.lab.local', 'IP:127.0.0.1'];

function run(cmd: string, args: string[], options: { cwd: string; input?: string }): string {
  try {
    return execFileSync(cmd, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed (Debian: ${cmd === 'htpasswd' ? 'apache2-utils' : cmd})`);
    throw new Error(`${cmd} ${args[0]} failed: ${String(e.stderr ?? error).trim()}`);
  }
}

/** Valid for at least one more day. */
function certUsable(dir: string, file: string): boolean {
  if (!existsSync(join(dir, file))) return false;
  try {
    execFileSync('openssl', ['x509', '-in', file, '-noout', '-checkend', '86400'], { cwd: dir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function makeCaAndServer(dir: string): void {
  const tmp = join(dir, `.tmp-ca-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('openssl', ['req', '-x509', '-new', '-nodes', '-newkey', 'rsa:2048', '-sha256', '-days', '3650',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Harbor Connect Lab CA/O=Harbor Connect Lab',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: tmp });
  run('openssl', ['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-sha256', '-keyout', 'server.key', '-out', 'server.csr',
    '-subj', '/CN=harbor.lab.local/O=Harbor Connect Lab'], { cwd: tmp });
  writeFileSync(join(tmp, 'server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${SERVER_SANS.join(',')}`,
    '',
  ].join('\n'));
  run('openssl', ['x509', '-req', '-sha256', '-days', '825', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', 'server.crt', '-extfile', 'server.ext'], { cwd: tmp });
  // Keys first, certificates last: a half-finished run never leaves a certificate without its key.
  for (const f of ['ca.key', 'server.key', 'server.csr', 'server.ext', 'ca.srl', 'ca.crt', 'server.crt']) {
    if (existsSync(join(tmp, f))) renameSync(join(tmp, f), join(dir, f));
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** True when the certificate's subject CN is `cn` (older labs made the legacy certificate for 127.0.0.1). */
function subjectNames(dir: string, file: string, cn: string): boolean {
  try {
    return execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject'], { cwd: dir, encoding: 'utf8' }).includes(`CN = ${cn}`);
  } catch {
    return false;
  }
}

/** Exactly the guide's commands: genrsa, req -subj "/CN=…", x509 -req -signkey without an extfile. */
function makeLegacy(dir: string): void {
  const tmp = join(dir, `.tmp-legacy-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run('openssl', ['genrsa', '-out', 'legacy.key', '2048'], { cwd: tmp });
  run('openssl', ['req', '-new', '-key', 'legacy.key', '-out', 'legacy.csr', '-subj', '/CN=harbor.lab.local/O=DevOps Team'], { cwd: tmp });
  run('openssl', ['x509', '-req', '-days', '365', '-in', 'legacy.csr', '-signkey', 'legacy.key', '-out', 'legacy.crt'], { cwd: tmp });
  for (const f of ['legacy.key', 'legacy.csr', 'legacy.crt']) renameSync(join(tmp, f), join(dir, f));
  rmSync(tmp, { recursive: true, force: true });
}

function htpasswdUsers(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':'))); // htpasswd names cannot hold ':'
}

function makeHtpasswd(dir: string): void {
  const lines = LAB_USERS.map((u) =>
    // -i reads the password from stdin, so it never shows in a process list; `$` in robot names needs no quoting here.
    run('htpasswd', ['-nBi', u.username], { cwd: dir, input: u.password }).trim(),
  );
  writeFileSync(join(dir, 'htpasswd.tmp'), `${lines.join('\n')}\n`, { mode: 0o600 });
  renameSync(join(dir, 'htpasswd.tmp'), join(dir, 'htpasswd'));
}

export function ensureRegistryMaterial({ labDir }: { labDir: string }): RegistryMaterial {
  const dir = join(labDir, 'registry');
  mkdirSync(dir, { recursive: true });
  if (!certUsable(dir, 'ca.crt') || !certUsable(dir, 'server.crt') || !existsSync(join(dir, 'server.key'))) makeCaAndServer(dir);
  if (!certUsable(dir, 'legacy.crt') || !existsSync(join(dir, 'legacy.key')) || !subjectNames(dir, 'legacy.crt', 'harbor.lab.local')) makeLegacy(dir);
  const users = htpasswdUsers(join(dir, 'htpasswd'));
  if (users.length !== LAB_USERS.length || LAB_USERS.some((u) => !users.includes(u.username))) makeHtpasswd(dir);
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    legacyCert: join(dir, 'legacy.crt'),
    legacyKey: join(dir, 'legacy.key'),
    htpasswd: join(dir, 'htpasswd'),
  };
}
