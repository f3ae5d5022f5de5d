// Running a container's command: real mount paths in namespace mode, HOST_ROOT/HC_MOUNT_* in plain mode.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountEnvName, Runner } from './runtime';

const root = mkdtempSync(join(tmpdir(), 'hc-runtime-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setup(name: string) {
  const hostRoot = join(root, name, 'node');
  const certs = join(hostRoot, 'etc', 'containerd', 'certs.d');
  const ca = join(root, name, 'cm');
  mkdirSync(certs, { recursive: true });
  mkdirSync(ca, { recursive: true });
  writeFileSync(join(ca, 'ca.crt'), 'PEM\n');
  return {
    hostRoot,
    certs,
    spec: (argv: string[]) => ({
      argv,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: 'pod-a' },
      mounts: [
        { source: certs, target: '/host/etc/containerd/certs.d', readOnly: false, file: false },
        { source: ca, target: '/ca', readOnly: true, file: false },
      ],
      hostRoot,
      runDir: join(root, name, 'run'),
      logPath: join(root, name, 'log', '0.log'),
    }),
  };
}

describe('runtime', () => {
  it('names mount env vars', () => {
    expect(mountEnvName('/host/etc/containerd/certs.d')).toBe('HC_MOUNT_HOST_ETC_CONTAINERD_CERTS_D');
    expect(mountEnvName('/')).toBe('HC_MOUNT_ROOT');
  });

  it('plain mode: scripts reach volumes through HC_MOUNT_* and HOST_ROOT', async () => {
    const s = setup('plain');
    const runner = new Runner(join(root, 'bin-plain'), 'plain');
    const res = await runner.exec(s.spec(['sh', '-c', 'D="${HC_MOUNT_HOST_ETC_CONTAINERD_CERTS_D:-/host/etc/containerd/certs.d}/h:1"; mkdir -p "$D" && cp "$HC_MOUNT_CA/ca.crt" "$D/ca.crt" && test -f "$HOST_ROOT/etc/containerd/certs.d/h:1/ca.crt" && echo ok']), 10_000);
    expect(res).toMatchObject({ code: 0, output: 'ok\n' });
    expect(readFileSync(join(s.certs, 'h:1', 'ca.crt'), 'utf8')).toBe('PEM\n');
  });

  const ns = new Runner(join(root, 'bin-ns'));
  it.skipIf(ns.mode !== 'namespace')('namespace mode: scripts see their real mount paths; read-only mounts stay read-only', async () => {
    const s = setup('ns');
    const res = await ns.exec(s.spec(['sh', '-c', 'set -e; D=/host/etc/containerd/certs.d/h:1; mkdir -p $D; cp /ca/ca.crt $D/.t; mv $D/.t $D/ca.crt; touch /ca/x 2>/dev/null && echo rw || echo ro; cat /etc/hostname; test -d "$HOST_ROOT/etc" && echo host-root']), 10_000);
    expect(res).toMatchObject({ code: 0, output: 'ro\npod-a\nhost-root\n' });
    expect(readFileSync(join(s.certs, 'h:1', 'ca.crt'), 'utf8')).toBe('PEM\n');
  });

  it('reports exit codes and a missing executable', async () => {
    const s = setup('codes');
    const runner = new Runner(join(root, 'bin-codes'), 'plain');
    expect((await runner.exec(s.spec(['sh', '-c', 'exit 7']), 10_000)).code).toBe(7);
    const missing = await runner.exec(s.spec(['/no/such/binary']), 10_000);
    expect(missing.code).toBe(127);
    expect(missing.output).toContain('exec: "/no/such/binary": executable file not found in $PATH');
  });
});
