// The installer script, executed for real with the machine's sh (dash here) and busybox sh against a temporary host
// root (HOST_ROOT). Under busybox, PATH holds only busybox's own applets, as in the installer's image: a command the
// image lacks fails here too (Debian's busybox has no cksum, which the real lab's pods revealed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildInstallerDaemonSet, installerCommand } from './installer';
import { containerdHostsToml } from './manual';
import { registryHost } from './host';
import { INSTALLER_SCRIPT } from './script';

const CA1 = '-----BEGIN CERTIFICATE-----\nMIIBfirst\n-----END CERTIFICATE-----\n';
const CA2 = '-----BEGIN CERTIFICATE-----\nMIIBsecond\n-----END CERTIFICATE-----\n';
const HOST_DIR = 'harbor.example.com:8443';
const TARGETS = 'containerd=/etc/containerd/certs.d docker=/etc/docker/certs.d cri-o=/etc/containers/certs.d';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const HOSTS = containerdHostsToml(registryHost(HOST_DIR));

const shells: Array<[string, string[]]> = [['sh', ['sh']]];
if (existsSync('/bin/busybox')) shells.push(['busybox sh (busybox applets only)', ['/bin/busybox', 'sh']]);

/** A folder of busybox applet links: the PATH of the installer's image. */
function busyboxOnlyPath(dir: string): string {
  const bin = join(dir, 'busybox-bin');
  mkdirSync(bin, { recursive: true });
  const applets = spawnSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) symlinkSync('/bin/busybox', join(bin, applet));
  return bin;
}

describe.each(shells)('installer script under %s', (_label, shell) => {
  let dir: string;
  let root: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hc-trust-'));
    root = join(dir, 'host');
    mkdirSync(join(dir, 'ca'), { recursive: true });
    mkdirSync(join(dir, 'config'), { recursive: true });
    mkdirSync(join(dir, 'run'), { recursive: true });
    // What hostPath DirectoryOrCreate would have made.
    for (const p of ['etc/containerd/certs.d', 'etc/docker/certs.d', 'etc/containers/certs.d']) mkdirSync(join(root, p), { recursive: true });
    writeFileSync(join(dir, 'ca', 'ca.crt'), CA1);
    writeFileSync(join(dir, 'config', 'hosts.toml'), HOSTS);
    writeFileSync(join(dir, 'install.sh'), INSTALLER_SCRIPT);
    writeFileSync(join(dir, 'run', 'termination-log'), ''); // the kubelet provides this file
    env = {
      PATH: shell[0] === '/bin/busybox' ? busyboxOnlyPath(dir) : (process.env.PATH ?? '/usr/bin:/bin'),
      HOST_ROOT: root,
      HC_MODE: 'install',
      HC_REGISTRY_ID: 'harbor-example-com-8443',
      HC_HOST_DIR: HOST_DIR,
      HC_TARGETS: TARGETS,
      HC_CA_FILE: join(dir, 'ca', 'ca.crt'),
      HC_CONFIG_DIR: join(dir, 'config'),
      HC_READY_FILE: join(dir, 'run', 'ready'),
      HC_TERMINATION_LOG: join(dir, 'run', 'termination-log'),
      HC_WORK_DIR: join(dir, 'run'),
      HC_CA_SHA256: sha256(CA1),
      HC_HOSTS_SHA256: sha256(HOSTS),
      HC_ONCE: '1',
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (extra: Record<string, string> = {}) =>
    spawnSync(shell[0], [...shell.slice(1), join(dir, 'install.sh')], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 10_000 });
  const at = (...p: string[]) => join(root, ...p);
  const cd = (...p: string[]) => at('etc/containerd/certs.d', HOST_DIR, ...p);
  const dk = (...p: string[]) => at('etc/docker/certs.d', HOST_DIR, ...p);
  const co = (...p: string[]) => at('etc/containers/certs.d', HOST_DIR, ...p);
  const ready = () => existsSync(env.HC_READY_FILE);
  const termLog = () => (existsSync(env.HC_TERMINATION_LOG) ? readFileSync(env.HC_TERMINATION_LOG, 'utf8') : '');
  const past = new Date('2020-01-01T00:00:00Z');
  const age = (file: string) => utimesSync(file, past, past);

  it('first run writes ca.crt + hosts.toml (containerd) and ca.crt (docker, cri-o), then marks ready', () => {
    expect(ready()).toBe(false);
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA1);
    expect(readFileSync(cd('hosts.toml'), 'utf8')).toBe(
      'server = "https://harbor.example.com:8443"\nca = "ca.crt"\n\n[host."https://harbor.example.com:8443"]\n  capabilities = ["pull", "resolve"]\n  ca = "ca.crt"\n',
    );
    expect(readFileSync(dk('ca.crt'), 'utf8')).toBe(CA1);
    expect(readFileSync(co('ca.crt'), 'utf8')).toBe(CA1);
    expect(existsSync(dk('hosts.toml'))).toBe(false);
    expect(readdirSync(cd()).sort()).toEqual(['.harbor-connect', 'ca.crt', 'hosts.toml']);
    expect(readFileSync(cd('.harbor-connect'), 'utf8')).toBe(`registry=harbor-example-com-8443\nca.crt=${sha256(CA1)}\nhosts.toml=${sha256(HOSTS)}\n`);
    expect(statSync(cd('ca.crt')).mode & 0o777).toBe(0o644);
    expect(ready()).toBe(true);
  });

  it('a second run changes nothing (same mtimes, no temp files)', () => {
    expect(run().status).toBe(0);
    const files = [cd('ca.crt'), cd('hosts.toml'), cd('.harbor-connect'), dk('ca.crt'), dk('.harbor-connect'), co('ca.crt')];
    for (const f of [...files, cd(), dk(), co()]) age(f);
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('wrote');
    for (const f of [...files, cd(), dk(), co()]) expect(statSync(f).mtime.getTime()).toBe(past.getTime());
    expect(readdirSync(cd()).sort()).toEqual(['.harbor-connect', 'ca.crt', 'hosts.toml']);
  });

  it('a CA rotation replaces ca.crt by rename (new inode), leaves hosts.toml alone', () => {
    expect(run().status).toBe(0);
    const inode = statSync(cd('ca.crt')).ino;
    age(cd('hosts.toml'));
    writeFileSync(env.HC_CA_FILE, CA2);
    const r = run({ HC_CA_SHA256: sha256(CA2) });
    expect(r.status).toBe(0);
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA2);
    expect(readFileSync(dk('ca.crt'), 'utf8')).toBe(CA2);
    expect(statSync(cd('ca.crt')).ino).not.toBe(inode);
    expect(statSync(cd('hosts.toml')).mtime.getTime()).toBe(past.getTime());
    expect(readdirSync(cd()).filter((f) => f.includes('hc-tmp'))).toEqual([]);
    // The marker follows, so the rotated file is still recognised as ours.
    writeFileSync(env.HC_CA_FILE, CA1);
    expect(run().status).toBe(0);
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA1);
  });

  it('installs only the CA and hosts.toml pinned in the DaemonSet: a changed record or ConfigMap writes nothing', () => {
    expect(run().status).toBe(0);
    for (const f of [cd('ca.crt'), dk('ca.crt'), cd('hosts.toml')]) age(f);
    // Someone with write access to the extension namespace puts another CA into the record Secret.
    writeFileSync(env.HC_CA_FILE, CA2);
    const r = run();
    expect(r.status).toBe(1);
    expect(termLog()).toMatch(new RegExp(`^HC_ERROR PIN_MISMATCH: ca.crt has sha256 ${sha256(CA2)}, not the ${sha256(CA1)}`));
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA1);
    expect(readFileSync(dk('ca.crt'), 'utf8')).toBe(CA1);
    expect(statSync(cd('ca.crt')).mtime.getTime()).toBe(past.getTime());
    expect(ready()).toBe(false);
    // ... or another hosts.toml into the ConfigMap.
    writeFileSync(env.HC_CA_FILE, CA1);
    writeFileSync(join(dir, 'config', 'hosts.toml'), 'server = "https://attacker.example"\n');
    expect(run().status).toBe(1);
    expect(termLog()).toMatch(/^HC_ERROR PIN_MISMATCH: hosts.toml has sha256/);
    expect(readFileSync(cd('hosts.toml'), 'utf8')).toBe(HOSTS);
    // Without pins it installs nothing at all.
    expect(run({ HC_CA_SHA256: '' }).status).toBe(1);
    expect(termLog()).toMatch(/^HC_ERROR BAD_CONFIG: no sha256 pinned for ca.crt/);
  });

  it('the container command runs the script only when it is the one pinned', () => {
    const cfg = join(dir, 'hcconfig');
    mkdirSync(cfg);
    const script = join(cfg, 'install.sh');
    writeFileSync(script, INSTALLER_SCRIPT);
    const command = (sha: string) => installerCommand(sha)[2]!.split('/hc/config/install.sh').join(script);
    const ok = spawnSync(shell[0], [...shell.slice(1), '-c', command(sha256(INSTALLER_SCRIPT))], { env, encoding: 'utf8', timeout: 10_000 });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA1);
    // The ConfigMap's script replaced by something else: it never runs.
    writeFileSync(script, '#!/bin/sh\ntouch "$HC_WORK_DIR/pwned"\n');
    const bad = spawnSync(shell[0], [...shell.slice(1), '-c', command(sha256(INSTALLER_SCRIPT))], { env, encoding: 'utf8', timeout: 10_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/HC_ERROR PIN_MISMATCH: .* is not the script this installer was planned with/);
    expect(existsSync(join(env.HC_WORK_DIR, 'pwned'))).toBe(false);
  });

  it('refuses to replace a differing file it did not write, and says so in the termination log', () => {
    mkdirSync(cd(), { recursive: true });
    writeFileSync(cd('hosts.toml'), 'server = "https://mirror.internal"\n');
    const r = run();
    expect(r.status).toBe(1);
    expect(termLog()).toMatch(/^HC_ERROR FOREIGN_FILE: \/etc\/containerd\/certs.d\/harbor.example.com:8443\/hosts.toml exists/);
    expect(readFileSync(cd('hosts.toml'), 'utf8')).toBe('server = "https://mirror.internal"\n');
    // Checked before writing: nothing else was put in that folder.
    expect(existsSync(cd('ca.crt'))).toBe(false);
    expect(ready()).toBe(false);
  });

  it('refuses a file it wrote once but someone edited since', () => {
    expect(run().status).toBe(0);
    writeFileSync(dk('ca.crt'), CA2);
    expect(run().status).toBe(1);
    expect(termLog()).toContain('HC_ERROR FOREIGN_FILE: /etc/docker/certs.d/harbor.example.com:8443/ca.crt');
    expect(readFileSync(dk('ca.crt'), 'utf8')).toBe(CA2);
  });

  it('adopts a file that already has the right content (e.g. from the manual instructions)', () => {
    mkdirSync(cd(), { recursive: true });
    writeFileSync(cd('ca.crt'), CA1);
    writeFileSync(cd('hosts.toml'), HOSTS);
    age(cd('ca.crt'));
    expect(run().status).toBe(0);
    expect(statSync(cd('ca.crt')).mtime.getTime()).toBe(past.getTime());
    expect(readFileSync(cd('.harbor-connect'), 'utf8')).toContain('hosts.toml=');
  });

  it('remove mode deletes only its own files and the folder only when empty', () => {
    expect(run().status).toBe(0);
    writeFileSync(cd('client.cert'), 'someone else\n');
    writeFileSync(co('ca.crt'), CA2); // edited by an admin after we wrote it
    const r = run({ HC_MODE: 'remove' });
    expect(r.status).toBe(0);
    expect(readdirSync(cd())).toEqual(['client.cert']);
    expect(existsSync(dk())).toBe(false);
    expect(existsSync(at('etc/docker/certs.d'))).toBe(true);
    expect(readdirSync(co())).toEqual(['ca.crt']);
    expect(readFileSync(co('ca.crt'), 'utf8')).toBe(CA2);
    expect(ready()).toBe(true);
    // Idempotent, and needs no CA.
    rmSync(env.HC_CA_FILE);
    expect(run({ HC_MODE: 'remove' }).status).toBe(0);
  });

  it('remove mode recognises a marker of 0.1.0 (cksum "crc-size") where cksum exists, and keeps the files where it does not', () => {
    expect(run().status).toBe(0);
    const crcSize = (file: string) => {
      const out = spawnSync('cksum', [], { input: readFileSync(file), encoding: 'utf8' }).stdout.trim().split(/\s+/);
      return `${out[0]}-${out[1]}`;
    };
    writeFileSync(cd('.harbor-connect'), `registry=harbor-example-com-8443\nca.crt=${crcSize(cd('ca.crt'))}\nhosts.toml=${crcSize(cd('hosts.toml'))}\n`);
    expect(run({ HC_MODE: 'remove' }).status).toBe(0);
    const cksumThere = spawnSync('sh', ['-c', 'command -v cksum'], { env: { PATH: env.PATH } }).status === 0;
    expect(existsSync(cd('ca.crt'))).toBe(!cksumThere);
  });

  it('remove mode leaves a folder another registry id owns', () => {
    expect(run({ HC_REGISTRY_ID: 'someone-else' }).status).toBe(0);
    expect(run({ HC_MODE: 'remove' }).status).toBe(0);
    expect(readdirSync(cd()).sort()).toEqual(['.harbor-connect', 'ca.crt', 'hosts.toml']);
  });

  it('never creates a termination log the kubelet did not provide', () => {
    rmSync(env.HC_TERMINATION_LOG);
    rmSync(env.HC_CA_FILE);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/HC_ERROR NO_CA:/); // still in the log (FallbackToLogsOnError)
    expect(existsSync(env.HC_TERMINATION_LOG)).toBe(false);
  });

  it('fails clearly without a CA and with a bad folder name', () => {
    rmSync(env.HC_CA_FILE);
    expect(run().status).toBe(1);
    expect(termLog()).toMatch(/^HC_ERROR NO_CA:/);
    expect(run({ HC_HOST_DIR: '../etc' }).status).toBe(1);
    expect(termLog()).toMatch(/^HC_ERROR BAD_CONFIG:/);
  });

  it('loops until SIGTERM, then exits 0 at once', async () => {
    const child = spawn(shell[0], [...shell.slice(1), join(dir, 'install.sh')], { env: { ...env, HC_ONCE: '', HC_INTERVAL: '300' } });
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      child.on('exit', (code) => resolve({ code, ms: Date.now() - sent }));
    });
    let sent = 0;
    for (let i = 0; i < 100 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(ready()).toBe(true);
    sent = Date.now();
    child.kill('SIGTERM');
    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
  });

  it('runs with exactly the environment the DaemonSet gives it', () => {
    const ds = buildInstallerDaemonSet({
      registryId: 'harbor-example-com-8443',
      hostPort: HOST_DIR,
      namespace: 'extension-harbor-connect',
      caSecretName: 'hc-registry-harbor-example-com-8443',
      caPem: CA1,
      runtimes: ['containerd'],
    });
    const dsEnv = Object.fromEntries((ds.spec?.template.spec?.containers[0].env ?? []).map((e) => [e.name, e.value ?? '']));
    // Only the pod-local mounts move into the temp dir; targets stay the node paths under HOST_ROOT.
    const r = spawnSync(shell[0], [...shell.slice(1), join(dir, 'install.sh')], {
      env: { ...dsEnv, PATH: env.PATH, HOST_ROOT: root, HC_CA_FILE: env.HC_CA_FILE, HC_CONFIG_DIR: env.HC_CONFIG_DIR, HC_READY_FILE: env.HC_READY_FILE, HC_TERMINATION_LOG: env.HC_TERMINATION_LOG, HC_WORK_DIR: env.HC_WORK_DIR, HC_ONCE: '1' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(readFileSync(cd('ca.crt'), 'utf8')).toBe(CA1);
    expect(existsSync(dk())).toBe(false);
  });
});
