// Which container runtime a node pulls with decides where a registry CA must go on it.
import type { Node } from 'kubernetes-types/core/v1';

export type NodeRuntimeName = 'containerd' | 'docker' | 'cri-o' | 'k3s' | 'rke2' | 'unknown';

export interface NodeRuntime {
  runtime: NodeRuntimeName;
  /** The runtime's version (`1.6.20`); for k3s/RKE2 the distribution's (`v1.28.4+k3s2`). '' when unknown. */
  version: string;
  /** containerd's own version on k3s/RKE2 nodes (`1.7.7-k3s1`), '' elsewhere. */
  engineVersion: string;
}

/** Where each runtime the trust installer handles reads per-registry CAs (no restart needed for any). */
export const RUNTIME_CERTS_DIRS = {
  containerd: '/etc/containerd/certs.d',
  docker: '/etc/docker/certs.d',
  'cri-o': '/etc/containers/certs.d',
} as const;
export type AutomaticRuntime = keyof typeof RUNTIME_CERTS_DIRS;
export const AUTOMATIC_RUNTIMES = Object.keys(RUNTIME_CERTS_DIRS) as AutomaticRuntime[];

/**
 * k3s and RKE2 generate their containerd's hosts files from registries.yaml on every start, so a file the
 * installer wrote there would not survive; they get the manual registries.yaml instructions instead.
 */
export function isAutomaticRuntime(runtime: NodeRuntimeName): runtime is AutomaticRuntime {
  return runtime in RUNTIME_CERTS_DIRS;
}

/** Node label k3s and RKE2 set to their own name (their embedded cloud provider). */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

function hasKeyPrefix(map: Record<string, string> | undefined, prefix: string): boolean {
  return Object.keys(map ?? {}).some((k) => k.startsWith(prefix));
}

export function nodeRuntime(node: Node): NodeRuntime {
  const info = node.status?.nodeInfo;
  const crv = info?.containerRuntimeVersion ?? '';
  const kubelet = info?.kubeletVersion ?? '';
  const labels = node.metadata?.labels ?? {};
  const annotations = node.metadata?.annotations ?? {};
  const m = /^([a-z0-9.-]+):\/\/(.*)$/i.exec(crv);
  const scheme = m?.[1].toLowerCase() ?? '';
  const version = m?.[2] ?? '';

  // Docker (incl. k3s --docker, cri-dockerd) reads /etc/docker/certs.d whatever the distribution.
  if (scheme === 'docker') return { runtime: 'docker', version, engineVersion: '' };
  if (scheme === 'cri-o') return { runtime: 'cri-o', version, engineVersion: '' };
  if (scheme === 'containerd' || scheme === '') {
    // RKE2 is built on k3s; test it first so an RKE2 node never reads as k3s.
    const rke2 =
      kubelet.includes('+rke2') ||
      labels[INSTANCE_TYPE_LABEL] === 'rke2' ||
      hasKeyPrefix(annotations, 'rke2.io/') ||
      hasKeyPrefix(labels, 'rke2.io/');
    if (rke2) return { runtime: 'rke2', version: kubelet, engineVersion: version };
    const k3s =
      kubelet.includes('+k3s') ||
      labels[INSTANCE_TYPE_LABEL] === 'k3s' ||
      hasKeyPrefix(annotations, 'k3s.io/') ||
      hasKeyPrefix(labels, 'k3s.io/');
    if (k3s) return { runtime: 'k3s', version: kubelet, engineVersion: version };
    if (scheme === 'containerd') return { runtime: 'containerd', version, engineVersion: '' };
  }
  return { runtime: 'unknown', version, engineVersion: '' };
}

/** containerd's major version (1, 2, …) or undefined when it cannot be read. */
export function containerdMajor(r: Pick<NodeRuntime, 'runtime' | 'version' | 'engineVersion'>): number | undefined {
  const v = r.runtime === 'containerd' ? r.version : r.engineVersion;
  const m = /^v?(\d+)\./.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** The distinct runtimes of a cluster, in a stable order. */
export function clusterRuntimes(nodes: Node[]): NodeRuntimeName[] {
  const order: NodeRuntimeName[] = ['containerd', 'docker', 'cri-o', 'k3s', 'rke2', 'unknown'];
  const seen = new Set(nodes.map((n) => nodeRuntime(n).runtime));
  return order.filter((r) => seen.has(r));
}
