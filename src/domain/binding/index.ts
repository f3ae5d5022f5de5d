// Binding a pull secret to ServiceAccounts and workloads, as plans of writes that never lose other entries.
//
// ServiceAccount.imagePullSecrets is an atomic list (+listType=atomic, no patch merge key): a merge or strategic
// merge patch REPLACES the whole list. So ServiceAccounts get a JSON patch guarded by `test` ops (the API server
// answers 422 when a test fails, i.e. when someone changed the list since it was read), or a replace carrying the
// resourceVersion as read (409 on a concurrent change). Workload templates get the same guarded JSON patch:
// PodSpec.imagePullSecrets does merge by name under a strategic merge patch, but kube-apiserver puts the patch's
// new entries FIRST (seen on the real 1.31 server), reordering the secrets a workload already had.

import type { ServiceAccount, Pod, PodSpec, LocalObjectReference } from 'kubernetes-types/core/v1';
import type { Deployment, StatefulSet, DaemonSet } from 'kubernetes-types/apps/v1';
import type { Job, CronJob } from 'kubernetes-types/batch/v1';
import type { Write, WriteIntent, JsonPatchOperation } from '../plan/write';
import { deepClone, deepEqual, escapePointerToken } from '../plan/jsonpatch';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';
export type Workload = Deployment | StatefulSet | DaemonSet | Job | CronJob;

export interface BindingTarget {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Notes for the review step; each has a locale key HARBOR_CONNECT_BINDING_NOTE_<CODE>.
 * - already-bound / not-bound: the target is already as wanted; no write.
 * - job-immutable: a Job's pod template cannot change; it is skipped (recreate the Job, or bind its ServiceAccount).
 * - rolls-workload: the template change replaces the workload's pods.
 * - on-delete: updateStrategy OnDelete: the template changes, pods pick it up only when deleted.
 * - next-runs-only: a CronJob's jobTemplate changes; running Jobs keep theirs, the next runs get it.
 * - existing-pods-unchanged: a ServiceAccount change reaches only pods created after it (see podsNeedingRestart).
 * - missing-resource-version: the object was not read from the API (no resourceVersion), so no guarded write can be made.
 * - unknown-kind: not a workload kind this plan knows.
 */
export type BindingNoteCode =
  | 'already-bound'
  | 'not-bound'
  | 'job-immutable'
  | 'rolls-workload'
  | 'on-delete'
  | 'next-runs-only'
  | 'existing-pods-unchanged'
  | 'missing-resource-version'
  | 'unknown-kind';

export interface BindingNote {
  target: BindingTarget;
  code: BindingNoteCode;
  params?: Record<string, string | number>;
}

export interface BindingPlan {
  writes: Write[];
  notes: BindingNote[];
}

export interface BindingInput {
  secretName: string;
  /** ServiceAccounts as read (with metadata.resourceVersion). */
  serviceAccounts?: readonly ServiceAccount[];
  /**
   * Workloads as read. Items of a list response have no `kind`: set it (`{ ...item, kind: 'Deployment' }`);
   * otherwise it is inferred from fields the API server always defaults.
   */
  workloads?: readonly Workload[];
}

export interface BindingOptions {
  /** How ServiceAccounts are written: a test-guarded JSON patch (default) or a replace with the read resourceVersion. */
  strategy?: 'json-patch' | 'replace';
}

const API_VERSION: Record<WorkloadKind, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

type AnyObj = Record<string, unknown>;

/** A workload's kind, from `kind` or, for list items, from fields the API server defaults for each kind. */
export function workloadKind(w: Workload): WorkloadKind | undefined {
  const kind = (w as { kind?: string }).kind;
  if (kind) return kind in API_VERSION ? (kind as WorkloadKind) : undefined;
  const spec = ((w as AnyObj).spec ?? {}) as AnyObj;
  if (spec.jobTemplate) return 'CronJob';
  if (spec.backoffLimit !== undefined || spec.completionMode !== undefined) return 'Job';
  if (spec.podManagementPolicy !== undefined || spec.serviceName !== undefined || spec.volumeClaimTemplates !== undefined) return 'StatefulSet';
  if (spec.strategy !== undefined || spec.progressDeadlineSeconds !== undefined) return 'Deployment';
  if (spec.updateStrategy !== undefined) return 'DaemonSet';
  return undefined;
}

function templateSpecPath(kind: WorkloadKind): string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
}

function get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as AnyObj)[p];
  }
  return cur;
}

function pointer(path: string[]): string {
  return path.map((p) => `/${escapePointerToken(p)}`).join('');
}

function meta(o: { metadata?: { name?: string; namespace?: string; resourceVersion?: string } }) {
  return { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '', resourceVersion: o.metadata?.resourceVersion };
}

function hasName(list: readonly LocalObjectReference[] | undefined, name: string): boolean {
  return !!list?.some((r) => r?.name === name);
}

function indicesOf(list: readonly LocalObjectReference[] | undefined, name: string): number[] {
  return (list ?? []).map((r, i) => (r?.name === name ? i : -1)).filter((i) => i >= 0);
}

// JSON patch ops removing every entry named `name`: each guarded by a test of the entry as read, removed from the
// highest index down so earlier indices stay valid. A concurrent change that moves entries fails a test (422).
function removeOps(listPointer: string, list: readonly LocalObjectReference[], name: string): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (const i of indicesOf(list, name).reverse()) {
    ops.push({ op: 'test', path: `${listPointer}/${i}`, value: deepClone(list[i]) });
    ops.push({ op: 'remove', path: `${listPointer}/${i}` });
  }
  return ops;
}

function listIntent(path: string, name: string, bind: boolean): WriteIntent {
  return { type: bind ? 'list-contains' : 'list-lacks', path, name };
}

/**
 * JSON patch ops that append `secretName` to the list at `path` as read: testing the whole list makes any concurrent
 * change to it fail the patch (422) instead of being lost; an absent list cannot be tested, so the object's
 * resourceVersion is.
 */
function appendOps(path: string, list: LocalObjectReference[] | undefined, secretName: string, resourceVersion: string | undefined): JsonPatchOperation[] {
  if (list === undefined) {
    return [
      { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion },
      { op: 'add', path, value: [{ name: secretName }] },
    ];
  }
  return [
    { op: 'test', path, value: deepClone(list) },
    { op: 'add', path: `${path}/-`, value: { name: secretName } },
  ];
}

// ---------- ServiceAccounts ----------

function planServiceAccount(sa: ServiceAccount, secretName: string, bind: boolean, strategy: 'json-patch' | 'replace', plan: BindingPlan): void {
  const { name, namespace, resourceVersion } = meta(sa);
  const target = { kind: 'ServiceAccount', namespace, name };
  const list = sa.imagePullSecrets ?? undefined; // null and absent mean the same
  if (bind ? hasName(list, secretName) : !hasName(list, secretName)) {
    plan.notes.push({ target, code: bind ? 'already-bound' : 'not-bound', params: { secret: secretName } });
    return;
  }
  const base = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    namespace,
    name,
    reason: {
      key: bind ? 'HARBOR_CONNECT_BINDING_REASON_SA_BIND' : 'HARBOR_CONNECT_BINDING_REASON_SA_UNBIND',
      params: { secret: secretName, serviceAccount: name, namespace },
    },
  } as const;

  if (strategy === 'replace' || (list === undefined && bind)) {
    // Both need the resourceVersion: a replace sends it, and an absent list cannot be tested, so the patch
    // tests the resourceVersion instead.
    if (!resourceVersion) {
      plan.notes.push({ target, code: 'missing-resource-version' });
      return;
    }
  }
  if (strategy === 'replace') {
    const body = deepClone(sa) as AnyObj & ServiceAccount;
    const m = { ...(body.metadata ?? {}) } as AnyObj;
    delete m.managedFields;
    const next = bind ? [...(list ?? []), { name: secretName }] : (list ?? []).filter((r) => r?.name !== secretName);
    const replaced: AnyObj = { ...body, apiVersion: 'v1', kind: 'ServiceAccount', metadata: m, imagePullSecrets: next };
    plan.writes.push({ ...base, action: 'replace', body: replaced, intent: listIntent('/imagePullSecrets', secretName, bind) });
  } else {
    const ops = bind ? appendOps('/imagePullSecrets', list, secretName, resourceVersion) : removeOps('/imagePullSecrets', list ?? [], secretName);
    plan.writes.push({ ...base, action: 'patch', patchType: 'json', patch: ops, intent: listIntent('/imagePullSecrets', secretName, bind) });
  }
  if (bind) plan.notes.push({ target, code: 'existing-pods-unchanged', params: { secret: secretName } });
}

// ---------- workloads ----------

function updateStrategyType(w: Workload, kind: WorkloadKind): string | undefined {
  if (kind === 'StatefulSet' || kind === 'DaemonSet') return (get(w, ['spec', 'updateStrategy', 'type']) as string | undefined) ?? 'RollingUpdate';
  return undefined;
}

function planWorkload(w: Workload, secretName: string, bind: boolean, plan: BindingPlan): void {
  const { name, namespace } = meta(w);
  const kind = workloadKind(w);
  if (!kind) {
    plan.notes.push({ target: { kind: (w as { kind?: string }).kind ?? '', namespace, name }, code: 'unknown-kind' });
    return;
  }
  const target = { kind, namespace, name };
  const specPath = templateSpecPath(kind);
  const list = get(w, [...specPath, 'imagePullSecrets']) as LocalObjectReference[] | undefined;
  if (bind ? hasName(list, secretName) : !hasName(list, secretName)) {
    plan.notes.push({ target, code: bind ? 'already-bound' : 'not-bound', params: { secret: secretName } });
    return;
  }
  if (kind === 'Job') {
    // spec.template is immutable on a Job: no write can bind it.
    plan.notes.push({ target, code: 'job-immutable', params: { secret: secretName } });
    return;
  }
  const { resourceVersion } = meta(w);
  const listPath = pointer([...specPath, 'imagePullSecrets']);
  if (bind && list === undefined && !resourceVersion) {
    plan.notes.push({ target, code: 'missing-resource-version' });
    return;
  }
  const onDelete = updateStrategyType(w, kind) === 'OnDelete';
  const rolls = kind !== 'CronJob' && !onDelete;
  const write: Write = {
    action: 'patch',
    apiVersion: API_VERSION[kind],
    kind,
    namespace,
    name,
    patchType: 'json',
    patch: bind ? appendOps(listPath, list, secretName, resourceVersion) : removeOps(listPath, list ?? [], secretName),
    reason: {
      key: bind ? 'HARBOR_CONNECT_BINDING_REASON_WORKLOAD_BIND' : 'HARBOR_CONNECT_BINDING_REASON_WORKLOAD_UNBIND',
      params: { secret: secretName, kind, name, namespace },
    },
    ...(rolls ? { effects: ['rolls-workload' as const] } : {}),
    intent: listIntent(listPath, secretName, bind),
  };
  plan.writes.push(write);
  plan.notes.push({ target, code: kind === 'CronJob' ? 'next-runs-only' : onDelete ? 'on-delete' : 'rolls-workload' });
}

function run(input: BindingInput, bind: boolean, options: BindingOptions): BindingPlan {
  const plan: BindingPlan = { writes: [], notes: [] };
  const strategy = options.strategy ?? 'json-patch';
  for (const sa of input.serviceAccounts ?? []) planServiceAccount(sa, input.secretName, bind, strategy, plan);
  for (const w of input.workloads ?? []) planWorkload(w, input.secretName, bind, plan);
  return plan;
}

/** Writes that add `secretName` to each ServiceAccount's and workload template's imagePullSecrets. */
export function planBinding(input: BindingInput, options: BindingOptions = {}): BindingPlan {
  return run(input, true, options);
}

/** Writes that remove every `secretName` entry; other entries are kept in order. */
export function planUnbinding(input: BindingInput, options: BindingOptions = {}): BindingPlan {
  return run(input, false, options);
}

/** planBinding with ServiceAccounts written by replace (409 on conflict: re-read and re-plan). */
export function planBindingReplace(input: BindingInput): BindingPlan {
  return run(input, true, { strategy: 'replace' });
}

export function planUnbindingReplace(input: BindingInput): BindingPlan {
  return run(input, false, { strategy: 'replace' });
}

/**
 * A binding write planned again from the object as it is now, for a guarded write whose guard failed:
 * undefined when its intent already holds (nothing to do). Only writes this module planned carry the
 * list intents on '/imagePullSecrets' (ServiceAccounts) or a pod template's list.
 */
export function replanBindingWrite(write: Write, current: Record<string, unknown>): Write | undefined {
  const intent = write.intent;
  if (!intent) return undefined;
  const bind = intent.type === 'list-contains';
  const strategy = write.action === 'replace' ? 'replace' : 'json-patch';
  const input: BindingInput =
    write.kind === 'ServiceAccount'
      ? { secretName: intent.name, serviceAccounts: [current as ServiceAccount] }
      : { secretName: intent.name, workloads: [{ ...current, kind: write.kind } as Workload] };
  const plan = run(input, bind, { strategy });
  return plan.writes[0];
}

// ---------- pods ----------

/**
 * Pods of `serviceAccountName` that lack `secretName` in spec.imagePullSecrets. Admission copies the
 * ServiceAccount's list into a pod when it is created; pods already running keep what they were created with, so
 * these need to be recreated (via their controller) to use a newly bound secret. Finished and terminating pods
 * are left out.
 */
export function podsNeedingRestart(pods: readonly Pod[], serviceAccountName: string, secretName: string): Pod[] {
  return pods.filter((p) => {
    const spec = (p.spec ?? {}) as PodSpec & { serviceAccount?: string };
    const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
    if (sa !== serviceAccountName) return false;
    if (p.metadata?.deletionTimestamp) return false;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return false;
    return !hasName(spec.imagePullSecrets, secretName);
  });
}

/** True when two imagePullSecrets lists hold the same names in the same order. */
export function samePullSecrets(a: readonly LocalObjectReference[] | undefined, b: readonly LocalObjectReference[] | undefined): boolean {
  return deepEqual((a ?? []).map((r) => r.name), (b ?? []).map((r) => r.name));
}
