// Pods created before their ServiceAccount got the pull secret. The ServiceAccount admission plugin copies the
// ServiceAccount's imagePullSecrets into a pod once, when the pod is created, and only when the pod names none of
// its own; the kubelet pulls with the pod's list alone. So a pod created before the binding keeps failing with
// "401 Unauthorized" however long it retries, until it is recreated. This module finds those pods among a project's
// pods failing to pull (the diagnosis of src/domain/diagnosis decides "failing" and "credential-shaped";
// podsNeedingRestart decides "lacks a secret its ServiceAccount has now"), groups them by the workload that recreates
// them, and plans the restart: `kubectl rollout restart` of the workload, or a delete of the very pod (uid
// precondition) where a rollout would not replace it.

import type { Pod, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { diagnosePull, eventTime, imageInMessage, isCredentialRefusal, isInformativeFailure, type PullDiagnosis, type PullEvent } from '../diagnosis';
import { credentialMatchesImage } from '../registry';
import type { Write } from '../plan/write';
import { podsNeedingRestart, workloadKind, type Workload } from './index';
import { describeCredential, isPullSecret, podSpecOf, pullSecretNames, serviceAccountOf } from './model';

/** The cause this module detects; its texts are HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE and _FIX. */
export const CREATED_BEFORE_BINDING = 'created-before-binding' as const;
/** What `kubectl rollout restart` sets on the pod template (kubectl/pkg/polymorphichelpers/objectrestarter.go). */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export interface ProjectPullInput {
  /** The pods as listed (one project, or several: everything is matched by namespace). */
  pods: readonly Pod[];
  serviceAccounts?: readonly ServiceAccount[];
  /** Pull secrets with their data (other Secrets may be given: only pull secrets count). */
  secrets?: readonly Secret[];
  /** The pods' kubelet events: at least those with reason Failed. */
  events?: readonly PullEvent[];
  /** ReplicaSets as listed: a pod's ReplicaSet names its Deployment. */
  replicaSets?: readonly ReplicaSet[];
  /** Deployments, StatefulSets, DaemonSets (and Jobs) as listed, with `kind` set or inferable (workloadKind). */
  workloads?: readonly Workload[];
}

/** The object that recreates a pod once it is gone. */
export interface PodOwner {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface FailingPod {
  namespace: string;
  name: string;
  uid?: string;
  createdAt?: string;
  serviceAccount: string;
  /** Deployment (through its ReplicaSet), StatefulSet, DaemonSet, or the pod's own controller; none for a bare pod. */
  owner?: PodOwner;
  /** Why its pull fails (cause, locale keys, image, node, message, count, last seen). */
  diagnosis: PullDiagnosis;
  /** When its pull first failed, as far as the events still kept tell (the failure event's first time). */
  since?: string;
}

export interface StalePod extends FailingPod {
  image: string;
  /** Pull secrets bound to its ServiceAccount now that serve the image's registry, and that the pod lacks. */
  missing: string[];
  /** When the ServiceAccount's imagePullSecrets were last written, where the server tracks it (managedFields). */
  boundAt?: string;
}

/**
 * - rollout-restart: patch the workload's template annotation as `kubectl rollout restart` does; the controller
 *   replaces every pod of it, under its own rollout rules.
 * - delete-owned: delete the pod; its controller creates it again (a paused Deployment, an OnDelete or partitioned
 *   StatefulSet, an OnDelete DaemonSet, a bare ReplicaSet, a Job...).
 * - delete-bare: delete the pod; nothing owns it, so nothing creates it again: the user must.
 */
export type RestartMethod = 'rollout-restart' | 'delete-owned' | 'delete-bare';

export interface RestartWorkload {
  namespace: string;
  /** The workload restarted or the pod's owner; for delete-bare the pod itself. */
  apiVersion: string;
  kind: string;
  name: string;
  method: RestartMethod;
  pods: StalePod[];
  serviceAccount: string;
  /** The secrets the recreated pods get that these lack. */
  secrets: string[];
}

export interface CreatedBeforeBinding {
  cause: typeof CREATED_BEFORE_BINDING;
  titleKey: string;
  fixKey: string;
  pods: StalePod[];
  workloads: RestartWorkload[];
  /** The fix: restart these pods (planRestart), and how many writes of each kind that takes. */
  fix: { action: 'restart-pods'; rollouts: number; deletes: number; bareDeletes: number };
}

export interface ProjectPullFailures {
  /** Every pod whose image pull fails now, by namespace and name. */
  failing: FailingPod[];
  /** The pods among them that only need recreating, or undefined when there are none. */
  createdBeforeBinding?: CreatedBeforeBinding;
}

type Meta = { namespace?: string; name?: string; ownerReferences?: OwnerReference[] };
const nsName = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;
const controllerOf = (m: Meta | undefined) => (m?.ownerReferences ?? []).find((r) => r.controller);

function indexBy<T extends { metadata?: Meta }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((o) => [nsName(o.metadata?.namespace, o.metadata?.name), o]));
}

function isLive(p: Pod): boolean {
  const phase = p.status?.phase;
  return !p.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function eventsOf(p: Pod, events: readonly PullEvent[]): PullEvent[] {
  const uid = p.metadata?.uid;
  return events.filter((e) => {
    const io = e.involvedObject;
    if (!io || (io.kind && io.kind !== 'Pod') || io.name !== p.metadata?.name) return false;
    if ((io.namespace ?? e.metadata?.namespace) !== p.metadata?.namespace) return false;
    // A pod of the same name created again (a StatefulSet's) is another pod: its predecessor's events are not its.
    return !uid || !io.uid || io.uid === uid;
  });
}

/** The first time the pod's pull of `image` failed, from the failure events the API server still keeps. */
function firstFailure(events: readonly PullEvent[], image: string | undefined): string | undefined {
  let first: string | undefined;
  for (const e of events) {
    const message = e.message ?? '';
    if (e.reason !== 'Failed' || e.type === 'Normal' || !isInformativeFailure(message)) continue;
    const named = imageInMessage(message);
    if (image && named && named !== image) continue;
    const t = e.firstTimestamp || eventTime(e);
    if (t && (!first || Date.parse(t) < Date.parse(first))) first = t;
  }
  return first;
}

interface Owners {
  replicaSets: Map<string, ReplicaSet>;
  workloads: Map<string, Workload>;
}

/** The workload that recreates the pod: a Deployment through its ReplicaSet, else the pod's controller. */
function ownerOf(p: Pod, owners: Owners): PodOwner | undefined {
  const c = controllerOf(p.metadata);
  if (!c) return undefined;
  if (c.kind === 'ReplicaSet') {
    const rs = owners.replicaSets.get(nsName(p.metadata?.namespace, c.name));
    const d = rs && (!c.uid || !rs.metadata?.uid || rs.metadata.uid === c.uid) ? controllerOf(rs.metadata) : undefined;
    if (d?.kind === 'Deployment') return { apiVersion: d.apiVersion, kind: 'Deployment', name: d.name };
  }
  return { apiVersion: c.apiVersion, kind: c.kind, name: c.name };
}

function workloadOf(ns: string, owner: PodOwner, owners: Owners): Workload | undefined {
  const w = owners.workloads.get(nsName(ns, owner.name));
  return w && workloadKind(w) === owner.kind ? w : undefined;
}

/**
 * How the pod is best recreated: a rollout restart where the workload replaces its pods on a template change, a
 * delete where it would not (paused, OnDelete, a StatefulSet partition) or where no rollout exists.
 */
function methodFor(owner: PodOwner | undefined, w: Workload | undefined): RestartMethod {
  if (!owner) return 'delete-bare';
  if (owner.kind !== 'Deployment' && owner.kind !== 'StatefulSet' && owner.kind !== 'DaemonSet') return 'delete-owned';
  const spec = (w?.spec ?? {}) as { paused?: boolean; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
  if (owner.kind === 'Deployment' && spec.paused) return 'delete-owned';
  if (owner.kind !== 'Deployment' && spec.updateStrategy?.type === 'OnDelete') return 'delete-owned';
  if (owner.kind === 'StatefulSet' && (spec.updateStrategy?.rollingUpdate?.partition ?? 0) > 0) return 'delete-owned';
  return 'rollout-restart';
}

/**
 * The pull secrets of the template the pod is recreated from, when that template was read: the workload's for a
 * rollout, the pod's controller's for a delete. Undefined when unknown (a bare pod, an unread controller).
 */
function templatePullSecrets(p: Pod, owner: PodOwner | undefined, method: RestartMethod, owners: Owners, w: Workload | undefined): string[] | undefined {
  if (!owner) return undefined;
  if (method === 'rollout-restart' || owner.kind !== 'Deployment') {
    const spec = w ? podSpecOf(w) : undefined;
    if (spec) return pullSecretNames(spec.imagePullSecrets);
  }
  const c = controllerOf(p.metadata);
  if (c?.kind === 'ReplicaSet') {
    const rs = owners.replicaSets.get(nsName(p.metadata?.namespace, c.name));
    if (rs?.spec?.template) return pullSecretNames(rs.spec.template.spec?.imagePullSecrets);
  }
  return undefined;
}

/** When the ServiceAccount's imagePullSecrets were last written, from managedFields (absent on servers without it). */
function pullSecretsWrittenAt(sa: ServiceAccount): string | undefined {
  let at: string | undefined;
  for (const f of sa.metadata?.managedFields ?? []) {
    const owns = !!f.time && !!(f.fieldsV1 as Record<string, unknown> | undefined)?.['f:imagePullSecrets'];
    if (owns && (!at || Date.parse(f.time!) > Date.parse(at))) at = f.time;
  }
  return at;
}

/** The pods whose image pull fails now, each with its diagnosis and owner. */
export function failingPods(input: ProjectPullInput): FailingPod[] {
  const events = input.events ?? [];
  const owners: Owners = { replicaSets: indexBy(input.replicaSets), workloads: indexBy(input.workloads) };
  const out: FailingPod[] = [];
  for (const p of input.pods) {
    if (!isLive(p)) continue;
    const own = eventsOf(p, events);
    const diagnosis = diagnosePull({ containerStatuses: p.status?.containerStatuses, initContainerStatuses: p.status?.initContainerStatuses, events: own, nodeName: p.spec?.nodeName });
    if (diagnosis.cause === 'ok' || diagnosis.cause === 'pending') continue;
    const since = firstFailure(own, diagnosis.image);
    const owner = ownerOf(p, owners);
    out.push({
      namespace: p.metadata?.namespace ?? '',
      name: p.metadata?.name ?? '',
      ...(p.metadata?.uid ? { uid: p.metadata.uid } : {}),
      ...(p.metadata?.creationTimestamp ? { createdAt: p.metadata.creationTimestamp } : {}),
      serviceAccount: serviceAccountOf(p.spec),
      ...(owner ? { owner } : {}),
      diagnosis,
      ...(since ? { since } : {}),
    });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * The failing pods that were created before a pull secret for their image's registry was bound to their
 * ServiceAccount, so that recreating them is the fix. A pod qualifies when all of these hold:
 * - its pull is refused as a credential problem (isCredentialRefusal: 401 unauthorized, or denied);
 * - its ServiceAccount now names a pull secret that exists, is a pull secret, and serves the image's registry
 *   (credentialMatchesImage), and the pod lacks it (podsNeedingRestart);
 * - the recreated pod gets it: the template it is recreated from names no pull secret of its own (admission copies
 *   the ServiceAccount's list only into pods that name none), or, when that template was not read, every secret the
 *   pod has is on the ServiceAccount too (its list came from there);
 * - and the time the ServiceAccount's list was last written, where the server records it, is not before the pod
 *   was created (else the pod was created with that list and did not take it).
 */
export function createdBeforeBinding(failing: readonly FailingPod[], input: ProjectPullInput): CreatedBeforeBinding | undefined {
  const owners: Owners = { replicaSets: indexBy(input.replicaSets), workloads: indexBy(input.workloads) };
  const pods = indexBy(input.pods);
  const sas = indexBy(input.serviceAccounts);
  const secrets = indexBy((input.secrets ?? []).filter(isPullSecret));
  const groups = new Map<string, RestartWorkload>();
  const stale: StalePod[] = [];

  for (const f of failing) {
    const image = f.diagnosis.image;
    const pod = pods.get(nsName(f.namespace, f.name));
    const sa = sas.get(nsName(f.namespace, f.serviceAccount));
    if (!image || !pod || !sa || !isCredentialRefusal(f.diagnosis.cause)) continue;
    const bound = pullSecretNames(sa.imagePullSecrets);
    const missing = bound.filter((name) => {
      const s = secrets.get(nsName(f.namespace, name));
      if (!s || !describeCredential(s).serverKeys.some((k) => credentialMatchesImage(k, image))) return false;
      return podsNeedingRestart([pod], f.serviceAccount, name).length > 0;
    });
    if (!missing.length) continue;
    const w = f.owner ? workloadOf(f.namespace, f.owner, owners) : undefined;
    const method = methodFor(f.owner, w);
    const template = templatePullSecrets(pod, f.owner, method, owners, w);
    const podList = pullSecretNames(pod.spec?.imagePullSecrets);
    const getsServiceAccountList = template ? template.length === 0 : podList.every((n) => bound.includes(n));
    if (!getsServiceAccountList) continue;
    const boundAt = pullSecretsWrittenAt(sa);
    if (boundAt && f.createdAt && Date.parse(boundAt) < Date.parse(f.createdAt)) continue;

    const s: StalePod = { ...f, image, missing, ...(boundAt ? { boundAt } : {}) };
    stale.push(s);
    const target: PodOwner = f.owner && method !== 'delete-bare' ? f.owner : { apiVersion: 'v1', kind: 'Pod', name: f.name };
    const key = `${f.namespace}/${target.kind}/${target.name}`;
    const g = groups.get(key) ?? { namespace: f.namespace, ...target, method, pods: [], serviceAccount: f.serviceAccount, secrets: [] };
    g.pods.push(s);
    for (const m of missing) if (!g.secrets.includes(m)) g.secrets.push(m);
    groups.set(key, g);
  }
  if (!stale.length) return undefined;
  const workloads = [...groups.values()];
  const count = (m: RestartMethod) => workloads.filter((w) => w.method === m).reduce((n, w) => n + (m === 'rollout-restart' ? 1 : w.pods.length), 0);
  return {
    cause: CREATED_BEFORE_BINDING,
    titleKey: 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_TITLE',
    fixKey: 'HARBOR_CONNECT_DIAG_CREATED_BEFORE_BINDING_FIX',
    pods: stale,
    workloads,
    fix: { action: 'restart-pods', rollouts: count('rollout-restart'), deletes: count('delete-owned'), bareDeletes: count('delete-bare') },
  };
}

/** The project's pods failing to pull, and those among them created before their pull secret was bound. */
export function projectPullFailures(input: ProjectPullInput): ProjectPullFailures {
  const failing = failingPods(input);
  const found = createdBeforeBinding(failing, input);
  return { failing, ...(found ? { createdBeforeBinding: found } : {}) };
}

/** The time `kubectl rollout restart` writes: RFC 3339 to the second (Go's time.RFC3339), here in UTC. */
export function restartedAt(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The restart as writes, for the review: per rollout-restart workload the strategic merge patch `kubectl rollout
 * restart` sends; per other pod a delete of that very pod (uid precondition: a pod created again under the same name
 * is never deleted by mistake). Only the uid: a failing pod's resourceVersion moves with every kubelet status update.
 * Applying the plan again changes nothing: the same annotation value, and a pod already gone (404).
 */
export function planRestart(finding: Pick<CreatedBeforeBinding, 'workloads'>, now: Date): Write[] {
  const at = restartedAt(now);
  const writes: Write[] = [];
  for (const w of finding.workloads) {
    const common = { serviceAccount: w.serviceAccount, secrets: w.secrets.join(', '), namespace: w.namespace };
    if (w.method === 'rollout-restart') {
      writes.push({
        action: 'patch',
        apiVersion: w.apiVersion,
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        patchType: 'strategic-merge',
        patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } } } } },
        reason: { key: 'HARBOR_CONNECT_RESTART_REASON_ROLLOUT', params: { ...common, kind: w.kind, name: w.name } },
        effects: ['rolls-workload'],
      });
      continue;
    }
    for (const p of w.pods) {
      writes.push({
        action: 'delete',
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: p.namespace,
        name: p.name,
        ...(p.uid ? { preconditions: { uid: p.uid } } : {}),
        reason:
          w.method === 'delete-bare'
            ? { key: 'HARBOR_CONNECT_RESTART_REASON_DELETE_BARE', params: { ...common, pod: p.name } }
            : { key: 'HARBOR_CONNECT_RESTART_REASON_DELETE_OWNED', params: { ...common, pod: p.name, kind: w.kind, name: w.name } },
        ...(w.method === 'delete-bare' ? { effects: ['not-recreated' as const] } : {}),
      });
    }
  }
  return writes;
}
