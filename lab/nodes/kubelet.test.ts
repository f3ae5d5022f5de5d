// The kubelet stand-in, scheduler and DaemonSet controller against the real lab API stand-in, the real registries
// and Debian's containerd (or the emulated pull where containerd is missing).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_USERS, startRegistries, type RunningRegistries } from '../registry/index';
import { KubeClient, type KObj } from './kubeclient';
import { containerdAvailable, startNodes, type RunningNodes } from './index';

const serverFile = resolve(__dirname, '../apiserver/src/server.ts');
const haveApi = existsSync(serverFile);

let labDir: string;
let regs: RunningRegistries;
let api: { url: string; systemToken: string; close(): Promise<void> };
let nodes: RunningNodes;
let client: KubeClient;
let harbor: string;
const ns = 'default';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function events(pod: string): Promise<Array<{ reason: string; message: string; type: string; count: number; source: { component: string; host?: string } }>> {
  const list = await client.list(`/api/v1/namespaces/${ns}/events`, { fieldSelector: `involvedObject.name=${pod}` });
  return (list.items as unknown as Array<{ reason: string; message: string; type: string; count: number; source: { component: string }; involvedObject: { name: string } }>)
    .filter((e) => e.involvedObject.name === pod) as never;
}

async function pod(name: string): Promise<KObj> {
  return client.get(`/api/v1/namespaces/${ns}/pods/${name}`);
}

function trustOn(node: string): void {
  const dir = join(labDir, 'nodes', node, 'etc', 'containerd', 'certs.d', harbor);
  mkdirSync(dir, { recursive: true });
  copyFileSync(regs.material.caCert, join(dir, 'ca.crt'));
}

for (const mode of ['containerd', 'emulated'] as const) {
describe(`${mode}`, () => {
  beforeAll(async () => {
    if (!haveApi || (mode === 'containerd' && !containerdAvailable())) return;
    process.env.HC_LAB_BACKOFF_SCALE = '0.02';
    labDir = mkdtempSync(join(tmpdir(), 'hc-kubelet-'));
    regs = await startRegistries({ labDir, port: 0, legacyPort: 0 });
    harbor = regs.registries.find((r) => r.name === 'harbor')!.host;
    const { startApiServer } = (await import(serverFile)) as { startApiServer: (o: Record<string, unknown>) => Promise<typeof api> };
    // This part's own scheduler is under test, so the API stand-in's built-in one stays off.
    api = await startApiServer({ port: 0, tlsPort: null, scheduler: false, labDir, repoRoot: resolve(__dirname, '../..'), verbose: false });
    client = new KubeClient(api.url, api.systemToken);
    nodes = await startNodes({ labDir, apiUrl: api.url, token: api.systemToken, containerd: mode === 'emulated' ? 'emulated' : 'auto', log: () => undefined });
  }, 90_000);

  afterAll(async () => {
    await nodes?.close();
    // Let the aborted watch connections close before the API server shuts its access log.
    await new Promise((r) => setTimeout(r, 300));
    await api?.close();
    await regs?.close();
    if (labDir) rmSync(labDir, { recursive: true, force: true });
    delete process.env.HC_LAB_BACKOFF_SCALE;
  });

  describe.skipIf(!haveApi || (mode === 'containerd' && !containerdAvailable()))(`kubelet stand-in (${mode} pulls)`, () => {
    it('reports an untrusted registry as kubelet does: Failed, Error: ErrImagePull, then ImagePullBackOff', async () => {
      const image = `${harbor}/library/busybox:latest`;
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'untrusted' },
        spec: { nodeName: 'node-2', containers: [{ name: 'c', image }] },
      });
      const p = await waitFor('ImagePullBackOff', async () => {
        const p = await pod('untrusted');
        return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' && p;
      });
      expect(p.status.containerStatuses[0].state.waiting.message).toBe(`Back-off pulling image "${image}"`);
      const ev = await events('untrusted');
      const failed = ev.find((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image'));
      const suffix = nodes.images.mode === 'emulated' ? ' (emulated)' : '';
      expect(failed?.message).toBe(
        `Failed to pull image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://${harbor}/v2/library/busybox/manifests/latest": x509: certificate signed by unknown authority${suffix}`,
      );
      expect(failed?.source).toMatchObject({ component: 'kubelet', host: 'node-2' });
      expect(ev.some((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull')).toBe(true);
      expect(ev.some((e) => e.reason === 'BackOff' && e.type === 'Normal' && e.message === `Back-off pulling image "${image}"`)).toBe(true);
      expect(ev.some((e) => e.reason === 'Pulling' && e.message === `Pulling image "${image}"`)).toBe(true);
    }, 40_000);

    it('schedules by nodeSelector, pulls with the pod pull secret once the CA is in certs.d, and runs', async () => {
      trustOn('node-1');
      const auth = Buffer.from(`${LAB_USERS[1].username}:${LAB_USERS[1].password}`).toString('base64');
      await client.create(`/api/v1/namespaces/${ns}/secrets`, {
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [harbor]: { username: LAB_USERS[1].username, password: LAB_USERS[1].password, auth } } })).toString('base64') },
      });
      const image = `${harbor}/library/busybox:1.36`;
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'good' },
        spec: { nodeSelector: { 'kubernetes.io/hostname': 'node-1' }, imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image }] },
      });
      const p = await waitFor('Running', async () => {
        const p = await pod('good');
        return p.status?.phase === 'Running' && p.status.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') && p;
      });
      expect(p.spec.nodeName).toBe('node-1');
      expect(p.status.podIP).toMatch(/^10\.233\./);
      expect(p.status.containerStatuses[0].imageID).toMatch(new RegExp(`^${harbor}/library/busybox@sha256:`));
      const ev = await events('good');
      expect(ev.find((e) => e.reason === 'Scheduled')).toMatchObject({ message: `Successfully assigned ${ns}/good to node-1`, source: { component: 'default-scheduler' } });
      expect(ev.find((e) => e.reason === 'Pulled')?.message).toMatch(new RegExp(`^Successfully pulled image "${image.replace(/\./g, '\\.')}" in [\\d.]+m?s \\([\\d.]+m?s including waiting\\)\\. Image size: \\d+ bytes\\.`));
      expect(ev.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Created', 'Started']));

      // Same image, IfNotPresent (a non-latest tag): no pull on the same node.
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cached' },
        spec: { nodeName: 'node-1', containers: [{ name: 'c', image }] },
      });
      await waitFor('cached Running', async () => (await pod('cached')).status?.phase === 'Running');
      expect((await events('cached')).find((e) => e.reason === 'Pulled')?.message).toBe(`Container image "${image}" already present on machine`);
    }, 40_000);

    it('fails with 401 Unauthorized without credentials and runs a shell command to a Failed phase', async () => {
      const image = `${harbor}/library/busybox:latest`;
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'anon' },
        spec: { nodeName: 'node-1', containers: [{ name: 'c', image }] },
      });
      await waitFor('401 event', async () => (await events('anon')).some((e) => e.message.includes(`pulling from host ${harbor} failed with status code [manifests latest]: 401 Unauthorized`)));

      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'script' },
        spec: {
          nodeName: 'node-1', restartPolicy: 'Never', imagePullSecrets: [{ name: 'regcred' }],
          containers: [{ name: 'c', image: `${harbor}/library/busybox:1.36`, command: ['sh', '-c', 'echo hello from $(cat /etc/hostname); exit 3'] }],
        },
      });
      const p = await waitFor('Failed', async () => {
        const p = await pod('script');
        return p.status?.phase === 'Failed' && p;
      });
      expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
      // pods/log is served by the API stand-in from the node's log file (no annotation mirroring, no watch churn).
      const logUrl = `${api.url}/api/v1/namespaces/${ns}/pods/script/log`;
      const auth = { headers: { Authorization: `Bearer ${api.systemToken}` } };
      const logged = await waitFor('log', async () => (await (await fetch(logUrl, auth)).text()) || undefined);
      expect(logged).toBe('hello from script\n');
      expect(await (await fetch(`${logUrl}?tailLines=0`, auth)).text()).toBe('');
      const previous = await fetch(`${logUrl}?previous=true`, auth);
      expect(previous.status).toBe(400);
      expect(((await previous.json()) as { message: string }).message).toBe('previous terminated container "c" in pod "script" not found');
      expect(Object.keys((await pod('script')).metadata.annotations ?? {}).filter((k) => k.startsWith('lab.harbor-connect.io/log'))).toEqual([]);
    }, 40_000);

    it('honours activeDeadlineSeconds', async () => {
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'deadline' },
        spec: { nodeName: 'node-1', activeDeadlineSeconds: 2, imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: `${harbor}/library/busybox:1.36` }] },
      });
      const p = await waitFor('DeadlineExceeded', async () => {
        const p = await pod('deadline');
        return p.status?.phase === 'Failed' && p;
      }, 20_000);
      expect(p.status.reason).toBe('DeadlineExceeded');
      expect(p.status.message).toBe('Pod was active on the node longer than the specified deadline');
    }, 30_000);

    it('restarts a crashing container with back-off (CrashLoopBackOff)', async () => {
      await client.create(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crash' },
        spec: { nodeName: 'node-1', imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: `${harbor}/library/busybox:1.36`, command: ['sh', '-c', 'echo boom; exit 1'] }] },
      });
      const p = await waitFor('restarts', async () => {
        const p = await pod('crash');
        return p.status?.containerStatuses?.[0]?.restartCount >= 2 && p;
      });
      expect(p.status.phase).toBe('Running');
      expect(p.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      await waitFor('BackOff restarting event', async () => (await events('crash')).some((e) => e.reason === 'BackOff' && e.type === 'Warning' && e.message.startsWith('Back-off restarting failed container c in pod crash_default(')));
      await client.delete(`/api/v1/namespaces/${ns}/pods/crash`);
    }, 30_000);

    it('runs a Deployment and rolls it on a template change', async () => {
      for (const n of ['node-2', 'node-3']) trustOn(n);
      const template = (v: string) => ({
        metadata: { labels: { app: 'web' } },
        spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'web', image: `${harbor}/demo/app:1.0`, env: [{ name: 'V', value: v }] }] },
      });
      await client.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('1') },
      });
      const first = await waitFor('2 ready', async () => {
        const d = await client.get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
        return d.status?.readyReplicas === 2 && (await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=web' })).items;
      });
      expect(first.every((p) => /^web-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p.metadata.name))).toBe(true);
      const oldHash = first[0].metadata.labels!['pod-template-hash'];
      await client.patch(`/apis/apps/v1/namespaces/${ns}/deployments/web`, { spec: { template: template('2') } }, 'merge');
      await waitFor('rolled', async () => {
        const items = (await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=web' })).items;
        return items.length === 2 && items.every((p) => p.metadata.labels!['pod-template-hash'] !== oldHash && p.status?.phase === 'Running');
      });
      await client.delete(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
      await waitFor('pods gone', async () => (await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=web' })).items.length === 0);
    }, 40_000);

    it('runs a DaemonSet that writes into each node certs.d through a hostPath, then removes its pods', async () => {
      for (const n of ['node-2', 'node-3']) trustOn(n);
      await client.create(`/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'trust' }, data: { 'ca.crt': readFileSync(regs.material.caCert, 'utf8') },
      });
      await client.create(`/apis/apps/v1/namespaces/${ns}/daemonsets`, {
        apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'trust' },
        spec: {
          selector: { matchLabels: { app: 'trust' } },
          template: {
            metadata: { labels: { app: 'trust' } },
            spec: {
              imagePullSecrets: [{ name: 'regcred' }],
              tolerations: [{ operator: 'Exists' }],
              containers: [{
                name: 'copy', image: `${harbor}/library/busybox:1.36`,
                command: ['sh', '-c', 'set -e; d=/host/certs.d/harbor.lab.local:5443; mkdir -p $d; cp /ca/ca.crt $d/.ca.crt.tmp; mv $d/.ca.crt.tmp $d/ca.crt; echo "copied on $NODE"; exec sleep 3600'],
                env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
                readinessProbe: { exec: { command: ['test', '-f', '/host/certs.d/harbor.lab.local:5443/ca.crt'] }, periodSeconds: 1 },
                volumeMounts: [{ name: 'certs', mountPath: '/host/certs.d' }, { name: 'ca', mountPath: '/ca', readOnly: true }],
              }],
              volumes: [{ name: 'certs', hostPath: { path: '/etc/containerd/certs.d', type: 'DirectoryOrCreate' } }, { name: 'ca', configMap: { name: 'trust' } }],
            },
          },
        },
      });
      const ds = await waitFor('DaemonSet ready', async () => {
        const ds = await client.get(`/apis/apps/v1/namespaces/${ns}/daemonsets/trust`);
        return ds.status?.numberReady === 3 && ds;
      }, 45_000);
      expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 });
      for (const n of ['node-1', 'node-2', 'node-3']) {
        expect(readFileSync(join(labDir, 'nodes', n, 'etc/containerd/certs.d/harbor.lab.local:5443/ca.crt'), 'utf8')).toBe(readFileSync(regs.material.caCert, 'utf8'));
      }
      const pods = await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=trust' });
      expect(pods.items.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
      expect(pods.items[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'trust', controller: true });

      await client.delete(`/apis/apps/v1/namespaces/${ns}/daemonsets/trust`);
      await waitFor('DaemonSet pods gone', async () => (await client.list(`/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=trust' })).items.length === 0, 20_000);
    }, 70_000);
  });
});
}
