// The lab registries: material made once, both registries up with TLS + htpasswd, seeded images really pullable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { LAB_IP } from '../cluster/network';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, ensureRegistryMaterial, httpsRequest, LAB_USERS, seedImages, startRegistries, type RunningRegistries } from './index';
import { isStaticElf } from './image';
import { createTar } from './tar';

let labDir: string;
let regs: RunningRegistries;

beforeAll(async () => {
  labDir = mkdtempSync(join(tmpdir(), 'hc-registry-'));
  regs = await startRegistries({ labDir, port: 0, legacyPort: 0 });
}, 60_000);

afterAll(async () => {
  await regs?.close();
  rmSync(labDir, { recursive: true, force: true });
});

const x509 = (file: string) => execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });

describe('registry material', () => {
  it('signs the server certificate with the lab CA and the SANs nodes need', () => {
    const text = x509(regs.material.serverCert);
    expect(text).toContain('DNS:localhost, DNS:harbor.lab.local, IP Address:127.0.0.1');
    expect(text).toContain('Issuer: CN = Harbor Connect Lab CA');
    execFileSync('openssl', ['verify', '-CAfile', regs.material.caCert, regs.material.serverCert]);
  });
  it('makes the legacy certificate exactly like the guide: self-signed, CN only, no extensions', () => {
    const text = x509(regs.material.legacyCert);
    expect(text).toContain('Subject: CN = harbor.lab.local, O = DevOps Team');
    expect(text).toContain('Issuer: CN = harbor.lab.local, O = DevOps Team');
    expect(text).not.toContain('X509v3 Subject Alternative Name');
    expect(text).not.toContain('X509v3 extensions');
  });
  it('keeps material across restarts and writes bcrypt htpasswd entries', () => {
    const before = statSync(regs.material.caCert).mtimeMs;
    ensureRegistryMaterial({ labDir });
    expect(statSync(regs.material.caCert).mtimeMs).toBe(before);
    const lines = readFileSync(regs.material.htpasswd, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.slice(0, l.indexOf(':')))).toEqual(['admin', 'robot$demo+ci']);
    expect(lines.every((l) => /:\$2y\$/.test(l))).toBe(true);
  });
});

describe('registries', () => {
  it('answers /v2/ with 401, accepts both users, and holds the seeded images', async () => {
    const harbor = regs.registries.find((r) => r.name === 'harbor')!;
    const ca = readFileSync(harbor.caPath);
    expect((await httpsRequest(`${harbor.url}/v2/`, { ca })).status).toBe(401);
    for (const u of LAB_USERS) {
      expect((await httpsRequest(`${harbor.url}/v2/`, { ca, headers: { Authorization: basicAuth(u.username, u.password) } })).status).toBe(200);
    }
    const tags = await httpsRequest(`${harbor.url}/v2/library/busybox/tags/list`, { ca, headers: { Authorization: basicAuth('admin', 'Harbor12345') } });
    expect(JSON.parse(tags.body.toString()).tags.sort()).toEqual(['1.36', 'latest']);
    expect(harbor.seeded.sort()).toEqual(['demo/app:1.0', 'library/busybox:1.36', 'library/busybox:latest']);
  });
  it('builds the same image digests every time', () => {
    expect(seedImages().map((i) => i.manifestDigest)).toEqual(seedImages().map((i) => i.manifestDigest));
  });
  it('writes valid tar files', () => {
    const tar = createTar([{ type: 'dir', path: 'etc' }, { type: 'file', path: 'etc/x', data: 'hi\n' }, { type: 'symlink', path: 'etc/y', target: 'x' }]);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' });
    expect(listing).toMatch(/etc\/x/);
    expect(listing).toMatch(/etc\/y -> x/);
  });
  it('recognises static binaries', () => {
    expect(isStaticElf(readFileSync(process.execPath))).toBe(false);
  });
  it('gives a clear message when a port is taken', async () => {
    const blocker = createServer();
    // The registries listen on the lab's address (lab/cluster/network.ts).
    await new Promise<void>((r) => blocker.listen(0, LAB_IP, () => r()));
    const port = (blocker.address() as { port: number }).port;
    await expect(startRegistries({ labDir, port, only: ['harbor'], seed: false })).rejects.toThrow(`port ${port} on ${LAB_IP} is already in use`);
    blocker.close();
  });
});
