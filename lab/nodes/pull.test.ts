// Real pulls against the real lab registries: Debian containerd through ctr, and the emulation beside it.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USERS, startRegistries, type RunningRegistries } from '../registry/index';
import { containerdAvailable, startContainerd, type RunningContainerd } from './containerd';
import { CtrImageStore, EmulatedImageStore, certsDirOf, type ImageStore, type NodeHandle } from './pull';
import { parseImageReference } from './reference';

const admin = LAB_USERS[0];
const robot = LAB_USERS[1];
let labDir: string;
let regs: RunningRegistries;
let containerd: RunningContainerd | undefined;
let harbor: string;
let legacy: string;

beforeAll(async () => {
  labDir = mkdtempSync(join(tmpdir(), 'hc-pull-'));
  regs = await startRegistries({ labDir, port: 0, legacyPort: 0 });
  harbor = regs.registries.find((r) => r.name === 'harbor')!.host;
  legacy = regs.registries.find((r) => r.name === 'legacy')!.host;
  if (containerdAvailable()) containerd = await startContainerd({ labDir });
}, 60_000);

afterAll(async () => {
  await containerd?.close();
  await regs?.close();
  rmSync(labDir, { recursive: true, force: true });
});

function freshNode(name: string): NodeHandle {
  const root = join(labDir, 'nodes', `${name}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(join(root, 'etc', 'containerd', 'certs.d'), { recursive: true });
  return { name: root.split('/').pop()!, root };
}

function trust(node: NodeHandle, host: string, caPath: string, file = 'ca.crt'): void {
  const dir = join(certsDirOf(node), host);
  mkdirSync(dir, { recursive: true });
  copyFileSync(caPath, join(dir, file));
}

const cases = (getStore: () => ImageStore | undefined) => {
  const store = () => getStore()!;
  it('fails with x509 unknown authority when the node has no CA', async () => {
    const node = freshNode('node-1');
    const ref = parseImageReference(`${harbor}/library/busybox:latest`);
    const out = await store().pull(node, ref, admin);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.containerdText).toBe(
        `failed to resolve reference "${harbor}/library/busybox:latest": failed to do request: Head "https://${harbor}/v2/library/busybox/manifests/latest": x509: certificate signed by unknown authority`,
      );
    }
  });

  it('pulls with the CA in certs.d/<host>/ca.crt and credentials; 401 without; isolated per node', async () => {
    const node = freshNode('node-1');
    const other = freshNode('node-2');
    trust(node, harbor, regs.material.caCert);
    const ref = parseImageReference(`${harbor}/library/busybox:latest`);
    const anon = await store().pull(node, ref);
    expect(anon.ok).toBe(false);
    if (!anon.ok) {
      expect(anon.containerdText).toBe(
        `failed to resolve reference "${harbor}/library/busybox:latest": pulling from host ${harbor} failed with status code [manifests latest]: 401 Unauthorized`,
      );
    }
    const wrong = await store().pull(node, ref, { username: admin.username, password: 'wrong' });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.containerdText).toContain('401 Unauthorized');
    const out = await store().pull(node, ref, admin);
    expect(out).toMatchObject({ ok: true, repoDigest: expect.stringMatching(new RegExp(`^${harbor}/library/busybox@sha256:[0-9a-f]{64}$`)) });
    expect(await store().present(node, ref)).toBeTruthy();
    expect(await store().present(other, ref)).toBeUndefined();
    const app = await store().pull(node, parseImageReference(`${harbor}/demo/app:1.0`), robot);
    expect(app.ok).toBe(true);
  });

  it('reports a missing tag as not found', async () => {
    const node = freshNode('node-1');
    trust(node, harbor, regs.material.caCert);
    const out = await store().pull(node, parseImageReference(`${harbor}/library/busybox:nope`), admin);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.containerdText).toBe(`failed to resolve reference "${harbor}/library/busybox:nope": ${harbor}/library/busybox:nope: not found`);
  });

  it('honours a hosts.toml in the form REGISTRY.md shows', async () => {
    const node = freshNode('node-1');
    trust(node, harbor, regs.material.caCert);
    writeFileSync(
      join(certsDirOf(node), harbor, 'hosts.toml'),
      `server = "https://${harbor}"\n\n[host."https://${harbor}"]\n  ca = "/etc/containerd/certs.d/${harbor}/ca.crt"\n`.replace('/etc/containerd', join(node.root, 'etc/containerd')),
    );
    const out = await store().pull(node, parseImageReference(`${harbor}/library/busybox:1.36`), admin);
    expect(out.ok).toBe(true);
  });

  it('fails on the CN-only certificate with the legacy Common Name message, trusted or not', async () => {
    const node = freshNode('node-1');
    const ref = parseImageReference(`${legacy}/library/busybox:latest`);
    const untrusted = await store().pull(node, ref, admin);
    trust(node, legacy, regs.material.legacyCert);
    const trusted = await store().pull(node, ref, admin);
    for (const out of [untrusted, trusted]) {
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.containerdText).toBe(
          `failed to resolve reference "${legacy}/library/busybox:latest": failed to do request: Head "https://${legacy}/v2/library/busybox/manifests/latest": x509: certificate relies on legacy Common Name field, use SANs instead`,
        );
      }
    }
  });

  it('reports connection refused', async () => {
    const node = freshNode('node-1');
    const out = await store().pull(node, parseImageReference('127.0.0.1:1/library/busybox:latest'));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.containerdText).toContain('dial tcp 127.0.0.1:1: connect: connection refused');
  });
};

describe.skipIf(!containerdAvailable())('containerd (ctr) pulls', () => {
  cases(() => (containerd ? new CtrImageStore(containerd, join(labDir, 'containerd', 'scratch')) : undefined));
});

describe('emulated pulls (same messages as containerd)', () => {
  cases(() => new EmulatedImageStore());
});
