// The lab cluster: real etcd, kube-apiserver, kube-controller-manager, kube-scheduler (Kubernetes, built from
// its Go modules by ./build.ts), KubeSphere's objects from our ks-core chart installed with the real Helm, the
// KubeSphere gateway (./kubesphere, standing in for ks-apiserver v4.1.3), and nodes that each run the real
// kubelet on Debian's containerd (./node). `startCluster` brings it up; `close()` stops it in reverse order.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { CLUSTER_DIR, ensureClusterBinaries, type ClusterBinaries } from './build';
import { parse as parseYaml } from 'yaml';
import { expectStatus, kubeClient, type KubeClient } from './kube';
import { ensureLabAddress, LAB_IP, withLabHosts, writeLabHosts } from './network';
import { endLeftovers, killNodeLeftovers, startServer, waitFor, type ServerProcess } from './process';

export { LAB_IP, REGISTRY_HOSTNAME } from './network';
export { kubeClient, expectStatus, type KubeClient, type KubeResponse } from './kube';

type Log = (line: string) => void;

export const LAB_NODES = ['node-1', 'node-2', 'node-3'];
export const SANDBOX_IMAGE = 'lab.local/pause:lab';
/** Parent of every node's cgroup root (lab/cluster/node/node.go cgroupRoot). */
export const NODE_CGROUP_ROOT = '/harbor-connect-lab/';
/**
 * The trust installer's image as the lab's nodes hold it: built from Debian's busybox-static and pre-loaded on every
 * node, as an air-gapped cluster's admin mirrors the extension's image (extension.yaml `images:`) under a name of
 * their own; the extension is then installed with that name pinned by its digest.
 */
export const INSTALLER_IMAGE_TAG = 'lab.local/busybox:1.36';

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

export interface ClusterPorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  gateway: number;
  /** node i (1-based) listens on kubeletBase + i, its healthz on kubeletBase + 10 + i. */
  kubeletBase: number;
}

export function clusterPorts(): ClusterPorts {
  return {
    etcd: envPort('HC_ETCD_PORT', 12379),
    etcdPeer: envPort('HC_ETCD_PEER_PORT', 12380),
    apiserver: envPort('HC_KUBE_API_PORT', 6443),
    gateway: envPort('HC_API_PORT', 9090),
    kubeletBase: envPort('HC_KUBELET_PORT_BASE', 10250),
  };
}

/** Which cluster of the lab: where its state lives, its node names, ports and pod subnet, its KubeSphere role. */
export interface LabClusterSpec {
  /** The Cluster's name in KubeSphere: `host`, `member-1`. */
  name: string;
  role: 'host' | 'member';
  /** Control-plane state (PKI, etcd, logs, images). */
  dir: string;
  /** Parent of the nodes' folders. */
  nodesDir: string;
  nodes: string[];
  ports: ClusterPorts;
  /** Pods of node i get 10.<podNet>.<i>.0/24 on bridge <bridgePrefix><i>. */
  podNet: number;
  bridgePrefix: string;
}

/** The host cluster: `.lab/cluster`, nodes `.lab/nodes/node-1..3`, the default ports. */
export function hostClusterSpec(labDir: string): LabClusterSpec {
  return { name: 'host', role: 'host', dir: join(labDir, 'cluster'), nodesDir: join(labDir, 'nodes'), nodes: LAB_NODES, ports: clusterPorts(), podNet: 244, bridgePrefix: 'hc-br' };
}

/**
 * A member cluster: its own control plane, KubeSphere and one node, in `.lab/<name>/`, on ports HC_MEMBER_PORT_OFFSET
 * (default 1) above the host's (kube-apiserver 6444, gateway 9091, etcd 12381/12382, kubelets 10271…).
 */
export function memberClusterSpec(labDir: string, index = 1): LabClusterSpec {
  const name = `member-${index}`;
  const step = (Number(process.env.HC_MEMBER_PORT_OFFSET) || 1) * index;
  const host = clusterPorts();
  return {
    name,
    role: 'member',
    dir: join(labDir, name, 'cluster'),
    nodesDir: join(labDir, name, 'nodes'),
    nodes: [`${name}-node-1`],
    ports: { etcd: host.etcd + 2 * step, etcdPeer: host.etcdPeer + 2 * step, apiserver: host.apiserver + step, gateway: host.gateway + step, kubeletBase: host.kubeletBase + 20 * step },
    podNet: 244 + index,
    bridgePrefix: `hc-brm${index}-`,
  };
}

export interface ClusterNode {
  name: string;
  /** The node's folder: what it sees as /etc/containerd, /var/lib/kubelet, /var/log/pods, … */
  root: string;
}

export interface RunningCluster {
  labDir: string;
  spec: LabClusterSpec;
  bins: ClusterBinaries;
  pkiDir: string;
  /** kubectl as lab-admin (system:masters). */
  adminKubeconfig: string;
  apiServerUrl: string;
  /** The KubeSphere gateway (what the console's server talks to), or undefined when it is not built yet. */
  gatewayUrl?: string;
  hostsFile: string;
  nodes: ClusterNode[];
  /** The trust installer's image on every node, pinned by digest: the extension is installed with it. */
  installerImage: string;
  kube: KubeClient;
  /** Stops and starts this cluster's kube-apiserver (same flags, same data): an outage the tests can cause. */
  apiServer: { stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

export interface ClusterOptions {
  labDir: string;
  /** Default: the host cluster (hostClusterSpec). */
  spec?: LabClusterSpec;
  log?: Log;
  /** Install ks-core and start the KubeSphere gateway (default true when lab/cluster/ks-core exists). */
  kubesphere?: boolean;
  /** Extra `--set` values for the ks-core chart (a member's role and its host's JWT secret, the host's members). */
  ksCoreValues?: string[];
}

export function clusterDir(labDir: string): string {
  return join(labDir, 'cluster');
}

export function nodeRoot(labDir: string, node: string): string {
  return join(labDir, 'nodes', node);
}

function podCidr(spec: LabClusterSpec, i: number): string {
  return `10.${spec.podNet}.${i}.0/24`;
}

/** One kubectl-like call with the lab's admin identity, for scripts: `helm`/`kubectl` get KUBECONFIG. */
function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  return result.stdout;
}

function httpOk(url: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = httpRequest(url, { timeout: 2000 }, res => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The images nodes pre-load: our pause (the sandbox) and a busybox from Debian's busybox-static. Answers the
 * busybox image pinned by digest (`lab.local/busybox:1.36@sha256:…`).
 */
function ensureNodeImages(bins: ClusterBinaries, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const pause = join(dir, '00-pause.tar');
  if (!existsSync(pause)) {
    runTool(bins.labcluster, ['image', '--out', pause, '--tag', SANDBOX_IMAGE, '--file', `${bins.pause}:/pause`, '--entrypoint', '/pause'], {}, 'sandbox image');
  }
  const busybox = join(dir, '10-busybox.tar');
  const digestFile = `${busybox}.digest`;
  if (!existsSync(busybox) || !existsSync(digestFile)) {
    const binary = ['/bin/busybox', '/usr/bin/busybox'].find(path => existsSync(path));
    if (!binary) throw new Error('busybox is not installed (Debian package busybox-static)');
    const applets = runTool(binary, ['--list'], {}, 'busybox --list').split('\n').filter(Boolean);
    const links = applets.filter(a => a !== 'busybox').flatMap(a => ['--link', `/bin/${a}:/bin/busybox`]);
    const digest = runTool(bins.labcluster, ['image', '--out', busybox, '--tag', INSTALLER_IMAGE_TAG, '--file', `${binary}:/bin/busybox`, ...links, '--cmd', 'sh'], {}, 'busybox image').trim();
    writeFileSync(digestFile, `${digest}\n`);
  }
  return `${INSTALLER_IMAGE_TAG}@${readFileSync(digestFile, 'utf8').trim()}`;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const labDir = options.labDir;
  const spec = options.spec ?? hostClusterSpec(labDir);
  const base = options.log ?? ((line: string) => console.log(`[lab] ${line}`));
  const log: Log = spec.role === 'host' ? base : line => base(`${spec.name}: ${line}`);
  const { dir, ports } = spec;
  const logDir = join(dir, 'logs');
  const pidDir = join(dir, 'pids');
  const pkiDir = join(dir, 'pki');
  const nodeNames = spec.nodes;
  const nodeFolder = (node: string) => join(spec.nodesDir, node);
  mkdirSync(dir, { recursive: true });
  endLeftovers(pidDir, 'labcluster', log);
  killNodeLeftovers(`${spec.nodesDir}/`, `${NODE_CGROUP_ROOT}${spec.role === 'host' ? 'node-' : `${spec.name}-node-`}`, log);

  const bins = await ensureClusterBinaries(log);
  const stops: ServerProcess[] = [];
  const close = async () => {
    // Nodes first (they stop their pods), then the gateway and the control plane, etcd last.
    for (const proc of stops.splice(0).reverse()) await proc.stop();
  };
  const start = (name: string, command: string, args: string[]) => {
    const proc = startServer({ name, command, args, logDir, pidDir });
    stops.push(proc);
    return proc;
  };

  try {
    ensureLabAddress();
    const hostsFile = join(dir, 'hosts');
    writeLabHosts(hostsFile);
    const apiServerUrl = `https://127.0.0.1:${ports.apiserver}`;
    runTool(bins.labcluster, ['pki', '--dir', pkiDir, '--server', apiServerUrl, '--ip', LAB_IP, ...nodeNames.flatMap(n => ['--node', n])], {}, 'lab PKI');
    const pki = (file: string) => join(pkiDir, file);
    const kube = kubeClient(pkiDir, apiServerUrl);

    const etcd = start('etcd', bins.labcluster, [
      'etcd', '--name', 'lab', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${ports.etcd}`, '--advertise-client-urls', `http://127.0.0.1:${ports.etcd}`,
      '--listen-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`,
      '--initial-cluster', `lab=http://127.0.0.1:${ports.etcdPeer}`, '--quota-backend-bytes', String(2 * 1024 ** 3),
      '--listen-metrics-urls', '', '--log-level', 'warn',
    ]);
    await waitFor('etcd answers /health', () => httpOk(`http://127.0.0.1:${ports.etcd}/health`), etcd, 30_000);

    const apiserverArgs = [
      'kube-apiserver',
      `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
      '--bind-address=127.0.0.1', `--secure-port=${ports.apiserver}`, `--advertise-address=${LAB_IP}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`, `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
      `--client-ca-file=${pki('ca.crt')}`,
      `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`, `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
      '--kubelet-preferred-address-types=InternalIP',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction',
      '--allow-privileged=true', '--profiling=false', '--event-ttl=2h',
    ];
    let apiserver = start('kube-apiserver', bins.labcluster, apiserverArgs);
    await waitFor('kube-apiserver is ready', async () => (await kube.request('GET', '/readyz')).status === 200, apiserver, 90_000);
    log(`kube-apiserver ${apiServerUrl} ready`);
    const apiServer = {
      async stop() {
        await apiserver.stop();
        stops.splice(stops.indexOf(apiserver), 1);
        log(`kube-apiserver ${apiServerUrl} stopped (${spec.name})`);
      },
      async start() {
        if (stops.includes(apiserver)) return;
        apiserver = start('kube-apiserver', bins.labcluster, apiserverArgs);
        await waitFor('kube-apiserver is ready again', async () => (await kube.request('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200, apiserver, 90_000);
        log(`kube-apiserver ${apiServerUrl} ready again (${spec.name})`);
      },
    };

    start('kube-controller-manager', bins.labcluster, [
      'kube-controller-manager', `--kubeconfig=${pki('controller-manager.kubeconfig')}`,
      `--authentication-kubeconfig=${pki('controller-manager.kubeconfig')}`, `--authorization-kubeconfig=${pki('controller-manager.kubeconfig')}`,
      `--root-ca-file=${pki('ca.crt')}`, `--service-account-private-key-file=${pki('sa.key')}`,
      '--use-service-account-credentials=true', '--leader-elect=false', '--secure-port=0', '--profiling=false',
    ]);
    start('kube-scheduler', bins.labcluster, [
      'kube-scheduler', `--kubeconfig=${pki('scheduler.kubeconfig')}`,
      `--authentication-kubeconfig=${pki('scheduler.kubeconfig')}`, `--authorization-kubeconfig=${pki('scheduler.kubeconfig')}`,
      '--leader-elect=false', '--secure-port=0', '--profiling=false',
    ]);

    // kube-controller-manager is up when it has given `default` its ServiceAccount and root CA: pods created
    // before that are refused (no ServiceAccount) or wait for their token volume.
    await waitFor('kube-controller-manager publishes the default ServiceAccount and kube-root-ca.crt', async () => {
      const [sa, ca] = await Promise.all([
        kube.request('GET', '/api/v1/namespaces/default/serviceaccounts/default'),
        kube.request('GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt'),
      ]);
      return sa.status === 200 && ca.status === 200;
    }, undefined, 60_000);

    let gatewayUrl: string | undefined;
    const chart = join(CLUSTER_DIR, 'ks-core');
    if ((options.kubesphere ?? true) && existsSync(join(chart, 'Chart.yaml'))) {
      const helm = (release: string, chartDir: string, namespace: string, ...flags: string[]) =>
        installChartOnce(bins.helm, pki('admin.kubeconfig'), join(dir, `${release}.sha256`), release, chartDir, namespace, flags, log);
      helm('ks-core', chart, 'kubesphere-system', '--wait', '--timeout', '2m', '--set', `multicluster.clusterRole=${spec.role}`, ...(options.ksCoreValues ?? []).flatMap(v => ['--set', v]));
      // The projects' sample content (lab/cluster/demo): after ks-core, which makes the projects.
      if (spec.role === 'host') helm('lab-demo', join(CLUSTER_DIR, 'demo'), 'demo');
      const gw = withLabHosts(hostsFile, bins.labcluster, ['kubesphere', '--kubeconfig', pki('kubesphere.kubeconfig'), '--listen', `127.0.0.1:${ports.gateway}`]);
      const gateway = start('kubesphere', gw.command, gw.args);
      gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
      await waitFor('the KubeSphere gateway answers /kapis/version', () => httpOk(`${gatewayUrl}/kapis/version`), gateway, 60_000);
      log(`KubeSphere gateway ${gatewayUrl} ready (${spec.role})`);
    }

    const imagesDir = join(dir, 'images');
    const installerImage = ensureNodeImages(bins, imagesDir);
    const nodes: ClusterNode[] = [];
    nodeNames.forEach((name, index) => {
      const i = index + 1;
      const root = nodeFolder(name);
      mkdirSync(root, { recursive: true });
      nodes.push({ name, root });
      start(`node-${name}`, bins.labcluster, [
        'node', '--name', name, '--root', root,
        '--kubeconfig', pki(`node-${name.replace(/^node-/, '')}.kubeconfig`), '--ca', pki('ca.crt'),
        '--node-ip', LAB_IP, '--port', String(ports.kubeletBase + i), '--healthz-port', String(ports.kubeletBase + 10 + i),
        '--pod-cidr', podCidr(spec, i), '--bridge', `${spec.bridgePrefix}${i}`, '--hosts', hostsFile, '--images', imagesDir,
        '--sandbox-image', SANDBOX_IMAGE,
      ]);
    });
    // Ready as reported by this start's kubelets: a Node object keeps an old Ready condition for a while.
    const since = Date.now() - 2000;
    await waitFor(`${nodeNames.length} nodes Ready`, async () => {
      type NodeList = { items?: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string; lastHeartbeatTime?: string }> } }> };
      const res = await kube.request<NodeList>('GET', '/api/v1/nodes');
      const ready = (res.json.items ?? []).filter(n =>
        n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True' && Date.parse(c.lastHeartbeatTime ?? '') >= since),
      );
      return nodeNames.every(name => ready.some(n => n.metadata.name === name));
    }, undefined, 120_000).catch(error => {
      const tails = nodeNames.map(n => `--- ${n} kubelet:\n${tailLog(join(nodeFolder(n), 'kubelet.log'))}`).join('\n');
      throw new Error(`${(error as Error).message}\n${tails}`);
    });
    log(`nodes ${nodeNames.join(', ')} Ready`);

    return { labDir, spec, bins, pkiDir, adminKubeconfig: pki('admin.kubeconfig'), apiServerUrl, gatewayUrl, hostsFile, nodes, installerImage, kube, apiServer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** sha256 over a chart folder's files (names and contents). */
function chartDigest(chartDir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`\0${path.slice(chartDir.length)}\0`).update(readFileSync(path));
    }
  };
  walk(chartDir);
  return hash.digest('hex');
}

/**
 * `helm upgrade --install` when the chart changed since this lab last installed it, else nothing: Helm's upgrade
 * reverts live edits to what the chart says (a user's language, a ServiceAccount the extension bound), which
 * a restarted lab must keep.
 */
function installChartOnce(helm: string, kubeconfig: string, stamp: string, release: string, chartDir: string, namespace: string, flags: string[], log: Log): void {
  const digest = createHash('sha256').update(chartDigest(chartDir)).update(JSON.stringify(flags)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) return;
  log(`installing ${release} (${chartDir.replace(/.*\/lab\//, 'lab/')}) with Helm`);
  // Helm installs a chart's crds/ on the first install only, never on upgrade: a kind added since goes in here.
  const crds = join(chartDir, 'crds');
  if (existsSync(stamp) && existsSync(crds)) runTool('kubectl', ['apply', '--server-side', '--force-conflicts', '-f', crds], { KUBECONFIG: kubeconfig }, `kubectl apply -f ${crds}`);
  runTool(helm, ['upgrade', '--install', release, chartDir, '--namespace', namespace, '--create-namespace', ...flags], { KUBECONFIG: kubeconfig }, `helm upgrade --install ${release}`);
  writeFileSync(stamp, `${digest}\n`);
}

function tailLog(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').filter(l => /^E|rror/.test(l)).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A kubeconfig with the certificates inline (what a Cluster object carries), from one of the PKI's kubeconfigs. */
export function inlineKubeconfig(pkiDir: string, server: string, stem = 'admin'): string {
  const b64 = (file: string) => readFileSync(join(pkiDir, file)).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: lab',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64('ca.crt')}`,
    'users:',
    `- name: ${stem}`,
    '  user:',
    `    client-certificate-data: ${b64(`${stem}.crt`)}`,
    `    client-key-data: ${b64(`${stem}.key`)}`,
    'contexts:',
    '- name: lab',
    '  context:',
    '    cluster: lab',
    `    user: ${stem}`,
    'current-context: lab',
    '',
  ].join('\n');
}

/** The JWT secret of a cluster's KubeSphere (its kubesphere-config), which its members share to accept its tokens. */
export async function kubeSphereJwtSecret(cluster: Pick<RunningCluster, 'kube'>): Promise<string> {
  const cm = await expectStatus(cluster.kube.request<{ data: Record<string, string> }>('GET', '/api/v1/namespaces/kubesphere-system/configmaps/kubesphere-config'), 'kubesphere-config');
  const config = parseYaml(cm.data['kubesphere.yaml'] ?? '') as { authentication?: { issuer?: { jwtSecret?: string } } };
  const secret = config.authentication?.issuer?.jwtSecret;
  if (!secret) throw new Error('kubesphere-config has no authentication.issuer.jwtSecret');
  return secret;
}

/**
 * Joins a member to the host the way KubeSphere joins a directly connected cluster: a Cluster object on the host
 * with the member's kubeconfig and its ks-apiserver endpoint (the host's multicluster filter proxies
 * /clusters/<member>/… there). Resolves when the host reports the member Ready.
 */
export async function joinMemberCluster(host: RunningCluster, member: RunningCluster, log: Log): Promise<void> {
  if (!member.gatewayUrl) throw new Error(`${member.spec.name} has no KubeSphere gateway to join with`);
  const path = '/apis/cluster.kubesphere.io/v1alpha1/clusters';
  const body = {
    apiVersion: 'cluster.kubesphere.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: member.spec.name, annotations: { 'kubesphere.io/description': `Harbor Connect lab member cluster ${member.spec.name}` } },
    spec: {
      provider: 'Lab',
      enable: true,
      joinFederation: false,
      connection: {
        type: 'direct',
        kubeconfig: Buffer.from(inlineKubeconfig(member.pkiDir, member.apiServerUrl)).toString('base64'),
        kubernetesAPIEndpoint: member.apiServerUrl,
        kubesphereAPIEndpoint: member.gatewayUrl,
      },
    },
  };
  const current = await host.kube.request<{ metadata: { resourceVersion: string } }>('GET', `${path}/${member.spec.name}`);
  if (current.status === 200) {
    await expectStatus(host.kube.request('PUT', `${path}/${member.spec.name}`, { ...body, metadata: { ...body.metadata, resourceVersion: current.json.metadata.resourceVersion } }), `update Cluster ${member.spec.name}`);
  } else {
    await expectStatus(host.kube.request('POST', path, body), `create Cluster ${member.spec.name}`);
  }
  await waitFor(`the host reports ${member.spec.name} Ready`, async () => {
    const res = await host.kube.request<{ status?: { conditions?: Array<{ type: string; status: string }> } }>('GET', `${path}/${member.spec.name}`);
    return !!res.json.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');
  }, undefined, 60_000);
  log(`${member.spec.name} joined the host (KubeSphere multi-cluster, direct connection)`);
}
