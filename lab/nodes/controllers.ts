// The workload controllers the lab needs, in one process:
//  - DaemonSet: one pod per eligible node (nodeSelector, required node affinity, taints vs tolerations plus the
//    tolerations the real controller adds), pinned with matchFields metadata.name like the real controller, owner
//    references, controller-revision-hash / pod-template-generation labels, RollingUpdate (maxUnavailable) or
//    OnDelete, failed pods replaced, status counters.
//  - Deployment (no ReplicaSets): pods <deploy>-<pod-template-hash>-<rand>, rolling on a template change.
//  - Garbage collection of pods whose controlling DaemonSet or Deployment is gone.
import { createHash, randomInt } from 'node:crypto';
import { Informer, KubeError, podPath, type KObj, type KubeClient } from './kubeclient';
import { matchesNodeSelectorAndAffinity, untoleratedTaint, type Toleration } from './predicates';

const DS_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const NETWORK_UNAVAILABLE: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
/** Kubernetes' rand.String alphabet (no vowels, no ambiguous characters). */
export function randSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE[randomInt(SAFE.length)];
  return s;
}

/** A stable short hash of a pod template (stands in for ControllerRevision / pod-template-hash). */
export function templateHash(template: unknown): string {
  const hex = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  let s = '';
  for (let i = 0; i < 10; i++) s += SAFE[hex[i] % SAFE.length];
  return s;
}

function isReady(pod: KObj): boolean {
  return ((pod.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Ready' && c.status === 'True');
}

function controllerOf(pod: KObj): { kind: string; uid: string } | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller);
}

function intOrPercent(value: unknown, total: number, fallback: number, roundUp: boolean): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value));
  if (!m) return Number(value) || fallback;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The DaemonSet controller's nodeShouldRunDaemonPod: the template with the added tolerations must fit the node. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function daemonPodTolerations(podSpec: any): Toleration[] {
  const list = [...((podSpec?.tolerations ?? []) as Toleration[])];
  const extra = podSpec?.hostNetwork ? [...DS_TOLERATIONS, NETWORK_UNAVAILABLE] : DS_TOLERATIONS;
  for (const t of extra) if (!list.some((x) => x.key === t.key && x.effect === t.effect)) list.push(t);
  return list;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function nodeShouldRunDaemonPod(podSpec: any, node: KObj): boolean {
  if (!matchesNodeSelectorAndAffinity(podSpec, node)) return false;
  return !untoleratedTaint(node, daemonPodTolerations(podSpec));
}

export class Controllers {
  private nodes?: Informer;
  private pods?: Informer;
  private daemonsets?: Informer;
  private deployments?: Informer;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private synced = false;
  private stopped = false;
  private gcTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: KubeClient,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const err = (what: string) => (e: unknown) => this.log(`controllers ${what}: ${(e as Error).message}`);
    this.nodes = new Informer(this.client, '/api/v1/nodes', {}, () => this.enqueueAllDaemonSets(), err('nodes'));
    this.pods = new Informer(this.client, '/api/v1/pods', {}, (type, pod) => this.onPod(pod), err('pods'));
    this.daemonsets = new Informer(this.client, '/apis/apps/v1/daemonsets', {}, (type, ds) => this.enqueue('ds', ds), err('daemonsets'));
    this.deployments = new Informer(this.client, '/apis/apps/v1/deployments', {}, (type, d) => this.enqueue('deploy', d), err('deployments'));
    await Promise.all([this.nodes.start(), this.pods.start(), this.daemonsets.start(), this.deployments.start()]);
    this.synced = true;
    this.enqueueAllDaemonSets();
    for (const d of this.deployments.list()) this.enqueue('deploy', d);
    this.scheduleGc();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    if (this.gcTimer) clearTimeout(this.gcTimer);
    for (const i of [this.nodes, this.pods, this.daemonsets, this.deployments]) i?.stop();
  }

  private onPod(pod: KObj): void {
    const owner = controllerOf(pod);
    if (!owner) return;
    if (owner.kind === 'DaemonSet') {
      const ds = this.daemonsets?.list().find((d) => d.metadata.uid === owner.uid);
      if (ds) this.enqueue('ds', ds);
      else this.scheduleGc();
    } else if (owner.kind === 'Deployment') {
      const d = this.deployments?.list().find((x) => x.metadata.uid === owner.uid);
      if (d) this.enqueue('deploy', d);
      else this.scheduleGc();
    }
  }

  private enqueueAllDaemonSets(): void {
    for (const ds of this.daemonsets?.list() ?? []) this.enqueue('ds', ds);
  }

  /** Debounced, one reconcile at a time per object. */
  private enqueue(kind: 'ds' | 'deploy', obj: KObj): void {
    if (!this.synced || this.stopped) return;
    const key = `${kind}:${obj.metadata.namespace}/${obj.metadata.name}`;
    if (this.pending.has(key)) return;
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.run(key, kind, obj.metadata.namespace!, obj.metadata.name);
    }, 30));
  }

  private async run(key: string, kind: 'ds' | 'deploy', ns: string, name: string): Promise<void> {
    if (this.busy.has(key)) {
      this.again.add(key);
      return;
    }
    this.busy.add(key);
    try {
      do {
        this.again.delete(key);
        const informer = kind === 'ds' ? this.daemonsets : this.deployments;
        const obj = informer?.cache.get(`${ns}/${name}`);
        try {
          if (!obj) this.scheduleGc();
          else if (kind === 'ds') await this.syncDaemonSet(obj);
          else await this.syncDeployment(obj);
        } catch (error) {
          if (!(error instanceof KubeError && (error.status === 409 || error.status === 404))) this.log(`controllers ${key}: ${(error as Error).message}`);
          setTimeout(() => obj && this.enqueue(kind, obj), 1000);
        }
      } while (this.again.has(key) && !this.stopped);
    } finally {
      this.busy.delete(key);
    }
  }

  private ownedPods(owner: KObj): KObj[] {
    return (this.pods?.list() ?? []).filter((p) => controllerOf(p)?.uid === owner.metadata.uid);
  }

  private ownerRef(obj: KObj, kind: string) {
    return { apiVersion: 'apps/v1', kind, name: obj.metadata.name, uid: obj.metadata.uid!, controller: true, blockOwnerDeletion: true };
  }

  private async deletePod(pod: KObj): Promise<void> {
    await this.client.delete(podPath(pod.metadata.namespace!, pod.metadata.name), { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: pod.metadata.uid } });
  }

  // ------------------------------------------------------------------------------------------------------------
  // DaemonSet

  private async syncDaemonSet(ds: KObj): Promise<void> {
    if (ds.metadata.deletionTimestamp) return;
    const ns = ds.metadata.namespace!;
    const template = ds.spec?.template ?? {};
    const hash = templateHash(template);
    const generation = ds.metadata.generation ?? 1;
    const nodes = (this.nodes?.list() ?? []).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const pods = this.ownedPods(ds).filter((p) => !p.metadata.deletionTimestamp);
    const nodeOf = (p: KObj): string | undefined =>
      p.spec?.nodeName ??
      p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
    const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(template.spec, n));
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name));
    const byNode = new Map<string, KObj[]>();
    for (const p of pods) {
      const n = nodeOf(p) ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    // Pods on nodes that should not run one, extra pods, and failed pods go.
    for (const [n, list] of byNode) {
      if (!eligibleNames.has(n)) {
        for (const p of list) await this.deletePod(p);
        byNode.delete(n);
        continue;
      }
      const sorted = list.sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
      const keep: KObj[] = [];
      for (const p of sorted) {
        if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded' || keep.length) await this.deletePod(p);
        else keep.push(p);
      }
      byNode.set(n, keep);
    }
    // Nodes without a pod get one.
    for (const node of eligible) {
      if (byNode.get(node.metadata.name)?.length) continue;
      await this.client.create(`/api/v1/namespaces/${ns}/pods`, this.daemonPod(ds, node.metadata.name, hash, generation));
    }
    // Rolling update: replace old-template pods, keeping at most maxUnavailable nodes without a ready pod.
    const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy === 'RollingUpdate') {
      const maxUnavailable = Math.max(1, intOrPercent(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, eligible.length, 1, true));
      const current = [...byNode.values()].flat();
      const old = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
      const unavailable = eligible.filter((n) => !(byNode.get(n.metadata.name) ?? []).some((p) => isReady(p))).length;
      let budget = maxUnavailable - unavailable;
      for (const p of old.sort((a, b) => Number(isReady(a)) - Number(isReady(b)))) {
        if (!isReady(p)) await this.deletePod(p);
        else if (budget > 0) {
          budget--;
          await this.deletePod(p);
        }
      }
    }
    await this.daemonSetStatus(ds, eligible.map((n) => n.metadata.name), pods, hash, generation);
  }

  private daemonPod(ds: KObj, nodeName: string, hash: string, generation: number): KObj {
    const template = ds.spec?.template ?? {};
    const spec = structuredClone(template.spec ?? {});
    spec.affinity = { ...(spec.affinity ?? {}) };
    spec.affinity.nodeAffinity = {
      ...(spec.affinity.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
      },
    };
    spec.tolerations = daemonPodTolerations(spec);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'controller-revision-hash': hash, 'pod-template-generation': String(generation) },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [this.ownerRef(ds, 'DaemonSet')],
      },
      spec,
    };
  }

  private async daemonSetStatus(ds: KObj, eligible: string[], pods: KObj[], hash: string, generation: number): Promise<void> {
    const fresh = this.ownedPods(ds).filter((p) => !p.metadata.deletionTimestamp);
    const onNode = (n: string) => fresh.filter((p) => p.spec?.nodeName === n || p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] === n);
    const ready = eligible.filter((n) => onNode(n).some(isReady)).length;
    const status = {
      currentNumberScheduled: eligible.filter((n) => onNode(n).length > 0).length,
      numberMisscheduled: fresh.filter((p) => p.spec?.nodeName && !eligible.includes(p.spec.nodeName)).length,
      desiredNumberScheduled: eligible.length,
      numberReady: ready,
      observedGeneration: generation,
      updatedNumberScheduled: eligible.filter((n) => onNode(n).some((p) => p.metadata.labels?.['controller-revision-hash'] === hash)).length,
      numberAvailable: ready,
      numberUnavailable: eligible.length - ready,
    };
    void pods;
    const prev = ds.status ?? {};
    if (Object.entries(status).every(([k, v]) => prev[k] === v)) return;
    await this.client.patch(`/apis/apps/v1/namespaces/${ds.metadata.namespace}/daemonsets/${ds.metadata.name}/status`, { status }, 'merge');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Deployment (ReplicaSet-less)

  private async syncDeployment(d: KObj): Promise<void> {
    if (d.metadata.deletionTimestamp) return;
    const ns = d.metadata.namespace!;
    const template = d.spec?.template ?? {};
    const hash = templateHash(template);
    const replicas = d.spec?.replicas ?? 1;
    const all = this.ownedPods(d).filter((p) => !p.metadata.deletionTimestamp);
    for (const p of all) if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') await this.deletePod(p);
    const live = all.filter((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
    const fresh = live.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    const old = live.filter((p) => p.metadata.labels?.['pod-template-hash'] !== hash);
    const recreate = d.spec?.strategy?.type === 'Recreate';
    if (recreate && old.length) {
      for (const p of old) await this.deletePod(p);
    } else {
      for (let i = fresh.length; i < replicas; i++) {
        await this.client.create(`/api/v1/namespaces/${ns}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${d.metadata.name}-${hash}-${randSuffix()}`,
            namespace: ns,
            labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
            ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
            ownerReferences: [this.ownerRef(d, 'Deployment')],
          },
          spec: structuredClone(template.spec ?? {}),
        });
      }
      for (const p of fresh.slice(replicas)) await this.deletePod(p);
      // Old pods go as new ones become ready.
      const keepOld = Math.max(0, replicas - fresh.filter(isReady).length);
      const sortedOld = old.sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      for (const p of sortedOld.slice(0, Math.max(0, sortedOld.length - keepOld))) await this.deletePod(p);
    }
    const now = this.ownedPods(d).filter((p) => !p.metadata.deletionTimestamp);
    const readyCount = now.filter(isReady).length;
    const updated = now.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash).length;
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const available = readyCount >= replicas;
    const prevConds = (d.status?.conditions ?? []) as Array<{ type: string; status: string; lastTransitionTime?: string }>;
    const cond = (type: string, status: string, reason: string, message: string) => {
      const prev = prevConds.find((c) => c.type === type);
      return { type, status, reason, message, lastUpdateTime: prev?.status === status ? (prev as { lastUpdateTime?: string }).lastUpdateTime ?? ts : ts, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime ?? ts : ts };
    };
    const status = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: now.length,
      updatedReplicas: updated,
      readyReplicas: readyCount,
      availableReplicas: readyCount,
      unavailableReplicas: Math.max(0, replicas - readyCount),
      conditions: [
        available
          ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        updated === replicas && readyCount >= replicas
          ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${d.metadata.name}-${hash}" has successfully progressed.`)
          : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${d.metadata.name}-${hash}" is progressing.`),
      ],
    };
    const prev = d.status ?? {};
    const same = (['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const).every((k) => (prev[k] ?? 0) === status[k]) &&
      status.conditions.every((c) => prevConds.some((p) => p.type === c.type && p.status === c.status && (p as { reason?: string }).reason === c.reason));
    if (same) return;
    await this.client.patch(`/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}/status`, { status }, 'merge');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Garbage collection

  private scheduleGc(): void {
    if (this.gcTimer || this.stopped) return;
    this.gcTimer = setTimeout(() => {
      this.gcTimer = undefined;
      void this.gc();
    }, 200);
  }

  private async gc(): Promise<void> {
    if (!this.synced) return;
    const owners = new Set([...(this.daemonsets?.list() ?? []), ...(this.deployments?.list() ?? [])].map((o) => o.metadata.uid));
    for (const pod of this.pods?.list() ?? []) {
      const owner = controllerOf(pod);
      if (!owner || (owner.kind !== 'DaemonSet' && owner.kind !== 'Deployment')) continue;
      if (owners.has(owner.uid) || pod.metadata.deletionTimestamp) continue;
      // Re-check with the API: the informer may lag behind a freshly created owner.
      const ref = pod.metadata.ownerReferences!.find((r) => r.uid === owner.uid)!;
      const path = `/apis/apps/v1/namespaces/${pod.metadata.namespace}/${owner.kind === 'DaemonSet' ? 'daemonsets' : 'deployments'}/${ref.name}`;
      const live = await this.client.getOrUndefined(path).catch(() => ({ metadata: { uid: owner.uid } }) as KObj);
      if (live && live.metadata.uid === owner.uid) continue;
      await this.deletePod(pod).catch((e) => this.log(`gc ${pod.metadata.name}: ${(e as Error).message}`));
    }
  }
}
