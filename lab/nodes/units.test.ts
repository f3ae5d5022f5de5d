// Unit tests of the pure parts: references, the pull-credential keyring, back-off, kubelet wording, node fit.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';
import { nodeShouldRunDaemonPod, templateHash } from './controllers';
import { isLoopbackHost, prepareHostsDir } from './hostsdir';
import { DockerKeyring, keyFor, keyMatches, keyringFromSecrets } from './keyring';
import type { KObj } from './kubeclient';
import { aggregate, criPullError, goDuration, msg } from './messages';
import { failedSchedulingMessage, podFitsNode, tolerates } from './predicates';
import { effectivePullPolicy, parseImageReference } from './reference';

describe('image references', () => {
  it('normalises like containerd', () => {
    expect(parseImageReference('busybox')).toMatchObject({ domain: 'docker.io', path: 'library/busybox', repository: 'docker.io/library/busybox', normalized: 'docker.io/library/busybox:latest' });
    expect(parseImageReference('127.0.0.1:5443/library/busybox:1.36')).toMatchObject({ domain: '127.0.0.1:5443', path: 'library/busybox', tag: '1.36' });
    expect(parseImageReference('harbor.example.com/proj/app@sha256:' + 'a'.repeat(64)).normalized).toBe('harbor.example.com/proj/app@sha256:' + 'a'.repeat(64));
    expect(parseImageReference('localhost/app').domain).toBe('localhost');
    expect(parseImageReference('index.docker.io/nginx').repository).toBe('docker.io/library/nginx');
    expect(() => parseImageReference('Harbor.example.com/Proj/App')).toThrow(/invalid reference format/);
    expect(() => parseImageReference('a b')).toThrow();
  });
  it('defaults the pull policy as the API server does', () => {
    expect(effectivePullPolicy('busybox')).toBe('Always');
    expect(effectivePullPolicy('busybox:latest')).toBe('Always');
    expect(effectivePullPolicy('busybox:1.36')).toBe('IfNotPresent');
    expect(effectivePullPolicy('busybox:1.36', 'Always')).toBe('Always');
  });
});

describe('pull credential keyring (kubelet credentialprovider)', () => {
  it('keys entries by host and path without scheme or /v2/', () => {
    expect(keyFor('https://harbor.example.com')).toBe('harbor.example.com');
    expect(keyFor('harbor.example.com:8443/')).toBe('harbor.example.com:8443');
    expect(keyFor('http://harbor.example.com/v2/proj')).toBe('harbor.example.com/proj');
    expect(keyFor('harbor.example.com:443')).toBe('harbor.example.com:443');
  });
  it('matches port exactly, host parts by glob, path by prefix', () => {
    expect(keyMatches('127.0.0.1:5443', '127.0.0.1:5443/library/busybox')).toBe(true);
    expect(keyMatches('127.0.0.1', '127.0.0.1:5443/library/busybox')).toBe(false);
    expect(keyMatches('127.0.0.1:5444', '127.0.0.1:5443/library/busybox')).toBe(false);
    expect(keyMatches('*.example.com', 'harbor.example.com/x')).toBe(true);
    expect(keyMatches('*.example.com', 'a.harbor.example.com/x')).toBe(false);
    expect(keyMatches('harbor.example.com/proj', 'harbor.example.com/proj/app')).toBe(true);
    expect(keyMatches('harbor.example.com/other', 'harbor.example.com/proj/app')).toBe(false);
  });
  it('orders the most specific key first and reads dockerconfigjson, dockercfg and auth', () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
    const keyring = keyringFromSecrets([
      { metadata: { name: 'a', namespace: 'ns' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': enc({ auths: { 'https://h.example.com': { username: 'u1', password: 'p1' } } }) } },
      { metadata: { name: 'b', namespace: 'ns' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': enc({ 'h.example.com/proj': { auth: Buffer.from('robot$proj+ci:s:e:c').toString('base64') } }) } },
      { metadata: { name: 'c', namespace: 'ns' }, type: 'Opaque', data: { '.dockerconfigjson': enc({ auths: { 'h.example.com': { username: 'x', password: 'y' } } }) } },
    ]);
    const found = keyring.lookup('h.example.com/proj/app');
    expect(found.map((c) => [c.username, c.password, c.source])).toEqual([
      ['robot$proj+ci', 's:e:c', 'ns/b'],
      ['u1', 'p1', 'ns/a'],
    ]);
    expect(keyring.lookup('other.example.com/x')).toEqual([]);
  });
  it('uses index.docker.io credentials for Docker Hub images', () => {
    const k = new DockerKeyring();
    k.add({ 'https://index.docker.io/v1/': { username: 'hub', password: 'pw' } }, 'node');
    expect(k.lookup('docker.io/library/busybox').map((c) => c.username)).toEqual(['hub']);
  });
  it('fails on an auth field that is not base64(user:pass)', () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
    expect(() => keyringFromSecrets([{ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': enc({ auths: { h: { auth: Buffer.from('nocolon').toString('base64') } } }) } }])).toThrow(
      'unable to parse auth field, must be formatted as base64(username:password)',
    );
  });
});

describe('back-off', () => {
  it('starts at 10s, doubles to 5 min, resets after 2×max idle', () => {
    let t = 0;
    const b = new Backoff({ initialMs: 10_000, maxMs: 300_000, now: () => t });
    expect(b.isInBackOffSinceUpdate('k')).toBe(false);
    const seen = [b.next('k'), b.next('k'), b.next('k'), b.next('k'), b.next('k'), b.next('k')];
    expect(seen).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000]);
    expect(b.isInBackOffSinceUpdate('k')).toBe(true);
    t = 299_999;
    expect(b.isInBackOffSinceUpdate('k')).toBe(true);
    t = 300_000;
    expect(b.isInBackOffSinceUpdate('k')).toBe(false);
    t = 900_001;
    expect(b.next('k')).toBe(10_000);
  });
});

describe('kubelet wording', () => {
  it('formats durations like Go', () => {
    expect(goDuration(523)).toBe('523ms');
    expect(goDuration(1234)).toBe('1.234s');
    expect(goDuration(1200)).toBe('1.2s');
    expect(goDuration(62_500)).toBe('1m2.5s');
    expect(msg.pulled('a:1', 1200, 1234, 42)).toBe('Successfully pulled image "a:1" in 1.2s (1.234s including waiting). Image size: 42 bytes.');
  });
  it('wraps containerd text as the CRI path does', () => {
    const ref = 'h:1/a/b:latest';
    expect(criPullError(ref, `ctr: failed to resolve reference "${ref}": ${ref}: not found`).message).toBe(
      `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
    );
    expect(criPullError(ref, 'failed to resolve reference "x": pulling from host h:1 failed with status code [manifests latest]: 401 Unauthorized').code).toBe('Unknown');
    expect(aggregate(['a', 'a'])).toBe('a');
    expect(aggregate(['a', 'b', 'a'])).toBe('[a, b]');
  });
});

describe('node fit', () => {
  const node = (name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KObj => ({
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: { taints },
  });
  it('applies tolerations like the scheduler', () => {
    expect(tolerates({ operator: 'Exists' }, { key: 'a', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates({ key: 'a', value: 'b', effect: 'NoSchedule' }, { key: 'a', value: 'b', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates({ key: 'a', value: 'c' }, { key: 'a', value: 'b', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates({ key: 'a', operator: 'Exists', effect: 'NoExecute' }, { key: 'a', effect: 'NoSchedule' })).toBe(false);
  });
  it('checks nodeSelector, matchFields and taints, and words FailedScheduling', () => {
    const master = node('node-1', {}, [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }]);
    expect(podFitsNode({}, master)).toEqual({ taint: { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' } });
    expect(podFitsNode({ nodeSelector: { 'kubernetes.io/hostname': 'node-2' } }, node('node-2'))).toBeUndefined();
    expect(podFitsNode({ nodeSelector: { 'kubernetes.io/hostname': 'node-2' } }, node('node-3'))).toBe('selector');
    const pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-3'] }] }] } } } };
    expect(podFitsNode(pinned, node('node-3'))).toBeUndefined();
    expect(podFitsNode(pinned, node('node-2'))).toBe('selector');
    expect(failedSchedulingMessage(3, ['selector', 'selector', { taint: { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' } }])).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/master: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });
  it('runs DaemonSet pods on unschedulable nodes (added tolerations) but not on other taints', () => {
    expect(nodeShouldRunDaemonPod({}, { metadata: { name: 'n' }, spec: { unschedulable: true } })).toBe(true);
    expect(nodeShouldRunDaemonPod({}, node('n', {}, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]))).toBe(false);
    expect(nodeShouldRunDaemonPod({ tolerations: [{ operator: 'Exists' }] }, node('n', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]))).toBe(true);
    expect(templateHash({ a: 1 })).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });
});

describe('per-pull hosts dir for loopback registries', () => {
  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1:5443')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('localhost:5000')).toBe(true);
    expect(isLoopbackHost('[::1]:5000')).toBe(true);
    expect(isLoopbackHost('harbor.example.com:443')).toBe(false);
    expect(isLoopbackHost('10.0.0.1:5443')).toBe(false);
  });
  it('turns the Docker certificate pattern into an https hosts.toml, and adds server to a hosts.toml without one', () => {
    const root = mkdtempSync(join(tmpdir(), 'hc-hosts-'));
    try {
      const certs = join(root, 'certs.d');
      mkdirSync(join(certs, '127.0.0.1:5443'), { recursive: true });
      writeFileSync(join(certs, '127.0.0.1:5443', 'ca.crt'), 'x');
      const a = prepareHostsDir(certs, '127.0.0.1:5443', join(root, 'scratch'));
      const toml = readFileSync(join(a.hostsDir, '127.0.0.1:5443', 'hosts.toml'), 'utf8');
      expect(toml).toContain('server = "https://127.0.0.1:5443"');
      expect(toml).toContain(`[host."https://127.0.0.1:5443"]\n  ca = ["${join(certs, '127.0.0.1:5443', 'ca.crt')}"]`);
      a.cleanup();
      writeFileSync(join(certs, '127.0.0.1:5443', 'hosts.toml'), '[host."https://127.0.0.1:5443"]\n  ca = "ca.crt"\n');
      const b = prepareHostsDir(certs, '127.0.0.1:5443', join(root, 'scratch'));
      expect(readFileSync(join(b.hostsDir, '127.0.0.1:5443', 'hosts.toml'), 'utf8')).toBe('server = "https://127.0.0.1:5443"\n[host."https://127.0.0.1:5443"]\n  ca = "ca.crt"\n');
      expect(readFileSync(join(b.hostsDir, '127.0.0.1:5443', 'ca.crt'), 'utf8')).toBe('x');
      b.cleanup();
      const c = prepareHostsDir(certs, 'harbor.example.com', join(root, 'scratch'));
      expect(c.hostsDir).toBe(certs);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
