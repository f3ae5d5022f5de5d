// A minimal default-scheduler: binds new pods (schedulerName default-scheduler, no nodeName) to a Ready,
// schedulable node that matches their nodeSelector, spreading by pod count, and records the events the real
// scheduler records ("Scheduled" / "FailedScheduling"). Nodes' kubelets (the lab's node helper) take it from there.
import type { KObject } from './contract';
import { now, type MemStore } from './store';

type Obj = Record<string, any>;

function fits(node: Obj, pod: Obj): string | undefined {
  const ready = ((node.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready')?.status === 'True';
  if (!ready) return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
  if (node.spec?.unschedulable) return 'node(s) were unschedulable';
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector";
  }
  const tolerations = (pod.spec?.tolerations ?? []) as Obj[];
  for (const taint of (node.spec?.taints ?? []) as Obj[]) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    const tolerated = tolerations.some(
      (t) => (t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
    );
    if (!tolerated) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  return undefined;
}

function event(store: MemStore, pod: Obj, type: 'Normal' | 'Warning', reason: string, message: string) {
  const events = store.typeFor('', 'events');
  if (!events) return;
  const ts = now();
  try {
    store.create(events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 4096).toString(16)}`, namespace: pod.metadata.namespace },
      involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion },
      reason,
      message,
      type,
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-lab',
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
    });
  } catch {
    // The namespace may be going away; an event is not worth failing for.
  }
}

/** Starts scheduling; returns a stop function. */
export function startScheduler(store: MemStore): () => void {
  const podsType = store.typeFor('', 'pods')!;
  const nodesType = store.typeFor('', 'nodes')!;
  const pending = new Set<string>();
  let stopped = false;

  const schedule = (key: string) => {
    pending.delete(key);
    if (stopped) return;
    const [ns, name] = key.split('/');
    const pod = store.get(podsType, ns, name) as Obj | undefined;
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const nodes = store.list(nodesType, undefined).items as Obj[];
    const reasons = new Map<string, number>();
    const candidates: Obj[] = [];
    for (const n of nodes) {
      const why = fits(n, pod);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else candidates.push(n);
    }
    if (!candidates.length) {
      const detail = [...reasons].map(([why, count]) => `${count} ${why}`).sort().join(', ');
      const message = `0/${nodes.length} nodes are available: ${detail}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const next = structuredClone(pod);
      next.status ??= {};
      const conditions = ((next.status.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now(), reason: 'Unschedulable', message });
      next.status.conditions = conditions;
      try {
        store.update(podsType, next as KObject, { subresource: 'status' });
        event(store, pod, 'Warning', 'FailedScheduling', message);
      } catch {
        // Changed meanwhile; the next change retries.
      }
      return;
    }
    const load = new Map<string, number>();
    for (const p of store.list(podsType, undefined).items as Obj[]) {
      if (p.spec?.nodeName) load.set(p.spec.nodeName, (load.get(p.spec.nodeName) ?? 0) + 1);
    }
    candidates.sort((a, b) => (load.get(a.metadata.name) ?? 0) - (load.get(b.metadata.name) ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
    const node = candidates[0].metadata.name as string;
    try {
      const bound = store.bindPod(ns, name, node) as Obj;
      event(store, bound, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
    } catch {
      // Someone else bound it first (a 409 from pods/binding): fine.
    }
  };

  const enqueue = (pod: Obj) => {
    if (pod.spec?.nodeName || (pod.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pending.has(key)) return;
    pending.add(key);
    // Asynchronously, as a real scheduler: the create answers an unscheduled pod first.
    setTimeout(() => schedule(key), 20).unref?.();
  };

  const stopPods = store.watch(podsType, undefined, {}, (e) => {
    if (e.type === 'ADDED') enqueue(e.object as Obj);
  });
  // A node that becomes Ready or changes labels may fit pods that did not fit before.
  const stopNodes = store.watch(nodesType, undefined, { resourceVersion: store.currentResourceVersion() }, (e) => {
    if (e.type === 'DELETED') return;
    for (const p of store.list(podsType, undefined, { fieldSelector: 'spec.nodeName=' }).items) enqueue(p as Obj);
  });
  return () => {
    stopped = true;
    stopPods();
    stopNodes();
  };
}
