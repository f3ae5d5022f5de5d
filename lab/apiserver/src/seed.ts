// The lab's cluster "host" as it looks before Harbor Connect is used: KubeSphere workspaces' namespaces, three
// containerd nodes, a few workloads, and a project that already has a hand-made pull secret bound to a
// ServiceAccount next to two others (so binding code can prove it loses nothing). Written through the store,
// so everything gets the same defaulting, admission and validation as API writes.
import type { KObject, Store } from './contract';

const LEGACY_REGISTRY = '127.0.0.1:5443';

export const SEED_NAMESPACES: Array<{ name: string; workspace?: string }> = [
  { name: 'default' },
  { name: 'kube-system', workspace: 'system-workspace' },
  { name: 'kubesphere-system', workspace: 'system-workspace' },
  { name: 'extension-harbor-connect', workspace: 'system-workspace' },
  { name: 'demo', workspace: 'demo-ws' },
  { name: 'demo-2', workspace: 'demo-ws' },
  { name: 'other', workspace: 'other-ws' },
];

function dockerConfigJson(server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const json = JSON.stringify({ auths: { [server]: { username, password, auth } } });
  return Buffer.from(json).toString('base64');
}

function node(i: number): KObject {
  const name = `node-${i}`;
  const t = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        ...(i === 1 ? { 'node-role.kubernetes.io/control-plane': '' } : { 'node-role.kubernetes.io/worker': '' }),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
    status: {
      capacity: { cpu: '4', memory: '8148160Ki', pods: '110', 'ephemeral-storage': '102626232Ki' },
      allocatable: { cpu: '4', memory: '8045760Ki', pods: '110', 'ephemeral-storage': '94580335255' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${10 + i}` },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `0000000000000000000000000000000${i}`,
        systemUUID: `00000000-0000-0000-0000-00000000000${i}`,
        bootID: `00000000-0000-0000-0000-0000000000b${i}`,
        kernelVersion: '6.1.0-18-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.6.20',
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: 'v1.32.4',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

function deployment(ns: string, name: string, image: string, replicas = 1): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** Writes the seed through `store`; call only when the state is empty. */
export function seedKube(store: Store): void {
  const t = (group: string, resource: string) => {
    const type = store.typeFor(group, resource);
    if (!type) throw new Error(`seed: type ${group}/${resource} is not registered`);
    return type;
  };
  const ns = t('', 'namespaces');
  for (const n of SEED_NAMESPACES) {
    if (store.get(ns, undefined, n.name)) continue;
    const labels: Record<string, string> = { 'kubesphere.io/namespace': n.name };
    if (n.workspace) labels['kubesphere.io/workspace'] = n.workspace;
    store.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels } });
  }
  for (let i = 1; i <= 3; i++) store.create(t('', 'nodes'), node(i));

  const secrets = t('', 'secrets');
  const pull = (name: string, server: string, user: string) =>
    store.create(secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'demo', annotations: { 'kubesphere.io/creator': 'admin' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': dockerConfigJson(server, user, `${user}-not-a-real-password`) },
    });
  pull('legacy-regcred', LEGACY_REGISTRY, 'legacy');
  pull('dockerhub-mirror', 'https://index.docker.io/v1/', 'demo-team');
  pull('quay-readonly', 'quay.io', 'demo+readonly');
  store.create(t('', 'configmaps'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config', namespace: 'demo' },
    data: { 'nginx.conf': 'server { listen 80; }\n' },
  });
  store.create(t('', 'serviceaccounts'), {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'builder', namespace: 'demo' },
    imagePullSecrets: [{ name: 'dockerhub-mirror' }, { name: 'legacy-regcred' }, { name: 'quay-readonly' }],
  });

  const deploy = t('apps', 'deployments');
  store.create(deploy, deployment('demo', 'busybox-app', `${LEGACY_REGISTRY}/library/busybox:latest`));
  store.create(deploy, deployment('demo', 'web', 'docker.io/library/nginx:1.25'));
  store.create(deploy, deployment('demo-2', 'api', 'docker.io/library/nginx:1.25', 2));
  store.create(t('', 'services'), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }], clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'] },
  });
  store.create(t('apps', 'statefulsets'), {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'cache', namespace: 'demo', labels: { app: 'cache' } },
    spec: {
      serviceName: 'cache',
      replicas: 1,
      selector: { matchLabels: { app: 'cache' } },
      template: {
        metadata: { labels: { app: 'cache' } },
        spec: { serviceAccountName: 'builder', containers: [{ name: 'redis', image: 'docker.io/library/redis:7.2' }] },
      },
    },
  });
  store.create(t('batch', 'cronjobs'), {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly-report', namespace: 'demo-2' },
    spec: {
      schedule: '0 2 * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: `${LEGACY_REGISTRY}/library/busybox:latest`, command: ['sh', '-c', 'date'] }] },
          },
        },
      },
    },
  });
}
