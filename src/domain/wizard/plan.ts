// The add-registry wizard's plan: pure functions from "what the user chose" + "what exists now" to the
// list of writes (docs/design.md, "Writes are plans"; docs/architecture.md). No network, no React: the loader (load.ts) reads the
// current objects, these functions decide. Planning again after an apply gives an empty plan.
import type { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Write } from '../plan/write';
import { CREATOR_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REGISTRY_LABEL } from '../plan/labels';
import { deepClone } from '../plan/jsonpatch';
import { LAST_APPLIED_ANNOTATION, withoutLastApplied } from '../plan/secrets';
import {
  buildPullSecret,
  dockerConfigSecretData,
  DOCKER_CONFIG_JSON_KEY,
  DOCKER_CONFIG_JSON_TYPE,
  base64ToUtf8,
} from '../dockerconfig';
import { isPublicRegistryHost, normalizeRegistryAddress, type RegistryAddress } from '../registry';
import { canonicalCaPem, inspectCertificate } from '../cert';
import { validateCredential } from '../dockerconfig';
import { validateDns1123Label } from '../names';
import {
  buildRegistryRecord,
  planRegistryRecordWrite,
  planRegistryRecordDelete,
  preconditionsOf,
  recordSecretName,
  registryIdFromServerKey,
  DEFAULT_EXTENSION_NAMESPACE,
  RECORD_COMPONENT,
  RECORD_ANNOTATIONS,
  type RegistryKind,
  type TrustMode,
  type RegistryRecord,
} from '../record';
import { DEFAULT_INSTALLER_IMAGE, isPinnedImage, planTrustInstaller, planTrustRemoval, type NodeRuntime } from '../trust';
import { planBinding, planUnbinding } from '../binding';
import { probeDeleteWrite } from '../registry/probe';


export interface WizardChoices {
  address: RegistryAddress;
  /** The address as typed (shown back in the record). */
  rawAddress: string;
  displayName: string;
  /** PEM of the CA; undefined when the registry is publicly trusted. */
  caPem?: string;
  trustMode: TrustMode;
  kind?: RegistryKind;
  username: string;
  password: string;
  email?: string;
  projects: string[];
  secretName: string;
  bindDefaultServiceAccount: boolean;
  createdBy?: string;
  extensionNamespace?: string;
}

/** What exists now, read by load.ts. */
export interface CurrentObjects {
  /** undefined: the extension namespace does not exist. */
  extensionNamespace?: Namespace;
  record?: Secret;
  installer?: { configMap?: ConfigMap; daemonSet?: DaemonSet };
  /** Our pull secrets for this registry, cluster-wide (one label-selector request). */
  managedSecrets: Secret[];
  /** Secrets named secretName in chosen projects that are not ours (a name clash). */
  foreignSecrets: Secret[];
  /** `default` ServiceAccount per chosen project; undefined when it does not exist. */
  serviceAccounts: Record<string, ServiceAccount | undefined>;
  runtimes: NodeRuntime[];
  /** The trust installer's image from the extension's settings ConfigMap; undefined: DEFAULT_INSTALLER_IMAGE. */
  installerImage?: string;
}

export type PlanProblem =
  // The input itself (re-checked here whatever the steps let through):
  | { code: 'address-invalid'; address: string }
  | { code: 'ca-invalid'; reason: string }
  | { code: 'ca-has-errors'; findings: string }
  | { code: 'ca-required' }
  | { code: 'public-registry-trust'; host: string }
  | { code: 'credentials-invalid'; errors: string }
  | { code: 'no-projects' }
  | { code: 'project-invalid'; namespace: string }
  | { code: 'secret-name-invalid'; name: string }
  // What exists in the cluster:
  | { code: 'record-not-managed' | 'record-type-immutable'; name: string }
  | { code: 'secret-name-taken'; namespace: string; name: string }
  | { code: 'no-default-sa'; namespace: string }
  | { code: 'installer-not-managed'; name: string }
  | { code: 'installer-image-not-pinned'; image: string };

export interface WizardPlan {
  registryId: string;
  writes: Write[];
  problems: PlanProblem[];
  /**
   * The image the trust installer runs when this cluster has no agent settings (harbor-connect-settings, written by
   * the extension's agent where KubeSphere schedules it): the default, which an air-gapped cluster cannot pull.
   */
  defaultInstallerImage?: string;
}

function existingKind(record: Secret | undefined): RegistryKind | undefined {
  const k = record?.metadata?.annotations?.[RECORD_ANNOTATIONS.kind];
  return k === 'harbor' || k === 'oci' ? k : undefined;
}

export function registryIdOf(address: RegistryAddress): string {
  return registryIdFromServerKey(address.serverKey);
}

function decodeData(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return base64ToUtf8(v) ?? undefined;
}

/**
 * Create / replace (keeping what others own) / nothing for one project's pull secret. The creator annotation is
 * written on create only: an edit by someone else never rewrites who created it, nor claims an older Secret.
 */
export function planPullSecretWrite(existing: Secret | undefined, desired: Record<string, unknown>): Write[] {
  const meta = desired.metadata as { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
  const base = { apiVersion: 'v1', kind: 'Secret', namespace: meta.namespace, name: meta.name };
  if (!existing) {
    return [{ ...base, action: 'create', body: desired, reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_SECRET_CREATE', params: { name: meta.name, namespace: meta.namespace } } }];
  }
  const ours = { ...(meta.annotations ?? {}) };
  delete ours[CREATOR_ANNOTATION];
  const want = (desired.data as Record<string, string>)[DOCKER_CONFIG_JSON_KEY];
  const have = existing.data?.[DOCKER_CONFIG_JSON_KEY];
  const labels = { ...(existing.metadata?.labels ?? {}), ...meta.labels };
  const annotations = { ...(existing.metadata?.annotations ?? {}), ...ours };
  const sameLabels = Object.entries(meta.labels).every(([k, v]) => existing.metadata?.labels?.[k] === v);
  const sameAnn = Object.entries(ours).every(([k, v]) => existing.metadata?.annotations?.[k] === v);
  const lastApplied = !!existing.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (existing.type === DOCKER_CONFIG_JSON_TYPE && decodeData(want) === decodeData(have) && sameLabels && sameAnn && !lastApplied) return [];
  const body = deepClone(existing) as Secret;
  delete body.stringData;
  body.metadata = withoutLastApplied({
    ...deepClone(existing.metadata ?? {}),
    labels,
    ...(Object.keys(annotations).length ? { annotations } : {}),
    resourceVersion: existing.metadata?.resourceVersion,
  });
  delete (body.metadata as Record<string, unknown>).managedFields;
  body.type = DOCKER_CONFIG_JSON_TYPE;
  body.data = { ...(existing.data ?? {}), [DOCKER_CONFIG_JSON_KEY]: want };
  return [{ ...base, action: 'replace', body: body as unknown as Record<string, unknown>, reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_SECRET_REPLACE', params: { name: meta.name, namespace: meta.namespace } } }];
}

/**
 * Every input of the plan, checked again here: the steps' own checks can be skipped in the UI (a step header
 * already reached), so a plan is never built from input they would have refused. The CA comes back as stored and
 * written to nodes: only its certificates, re-encoded (canonicalCaPem).
 */
export function validateChoices(choices: WizardChoices): { problems: PlanProblem[]; caPem?: string } {
  const problems: PlanProblem[] = [];
  const again = normalizeRegistryAddress(choices.rawAddress.trim() || choices.address.serverKey, { allowInsecure: !choices.address.secure });
  if (!again.ok || again.value.serverKey !== choices.address.serverKey) problems.push({ code: 'address-invalid', address: choices.rawAddress });
  let caPem: string | undefined;
  if (choices.caPem?.trim()) {
    const canonical = canonicalCaPem(choices.caPem);
    if (!canonical.ok) problems.push({ code: 'ca-invalid', reason: canonical.reason });
    else {
      caPem = canonical.pem;
      const errors = inspectCertificate(caPem, { host: choices.address.authority }).findings.filter((f) => f.severity === 'error');
      if (errors.length) problems.push({ code: 'ca-has-errors', findings: [...new Set(errors.map((f) => f.code))].join(', ') });
    }
  } else if (choices.trustMode === 'automatic' || choices.trustMode === 'manual') {
    // A trust mode is only for a private CA: without one, 'none' is the only honest mode.
    if (choices.caPem !== undefined) problems.push({ code: 'ca-required' });
  }
  if (choices.trustMode === 'automatic' && choices.caPem?.trim() && isPublicRegistryHost(choices.address.host)) {
    problems.push({ code: 'public-registry-trust', host: choices.address.authority });
  }
  const cred: string[] = validateCredential({ username: choices.username, password: choices.password });
  if (choices.email && !/^[^\s@]+@[^\s@]+$/.test(choices.email)) cred.push('invalid-email');
  if (cred.length) problems.push({ code: 'credentials-invalid', errors: cred.join(', ') });
  if (!choices.projects.length) problems.push({ code: 'no-projects' });
  for (const p of choices.projects) if (validateDns1123Label(p).length) problems.push({ code: 'project-invalid', namespace: p });
  if (validateDns1123Label(choices.secretName).length) problems.push({ code: 'secret-name-invalid', name: choices.secretName });
  return { problems, caPem };
}

/**
 * The whole add/update plan: namespace (if missing), registry record, trust installer (automatic mode with a CA),
 * then per project the pull secret and the default ServiceAccount binding. Input that does not pass
 * validateChoices gives no writes at all.
 */
export function buildWizardPlan(choices: WizardChoices, current: CurrentObjects): WizardPlan {
  const ns = choices.extensionNamespace ?? DEFAULT_EXTENSION_NAMESPACE;
  const registryId = registryIdOf(choices.address);
  const writes: Write[] = [];
  const checked = validateChoices(choices);
  if (checked.problems.length) return { registryId, writes: [], problems: checked.problems };
  const problems: PlanProblem[] = [];
  let defaultInstallerImage: string | undefined;

  if (!current.extensionNamespace) {
    writes.push({
      action: 'create',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: ns,
      // The trust installer mounts hostPath folders: Pod Security Admission must allow it in this namespace.
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, 'pod-security.kubernetes.io/enforce': 'privileged' } } },
      reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_NAMESPACE', params: { name: ns } },
    });
  }

  const caPem = checked.caPem;
  const trustMode: TrustMode = caPem ? choices.trustMode : 'none';
  const desiredRecord = buildRegistryRecord({
    serverKey: choices.address.serverKey,
    address: choices.rawAddress.trim() || choices.address.serverKey,
    displayName: choices.displayName,
    // The kind is detected by the probe; not probing this time keeps what an earlier probe found.
    kind: choices.kind ?? existingKind(current.record),
    trustMode,
    insecure: !choices.address.secure,
    caPem,
    createdBy: choices.createdBy,
    namespace: ns,
    id: registryId,
  });
  const rec = planRegistryRecordWrite({ existing: current.record, desired: desiredRecord });
  if (rec.status === 'conflict') {
    problems.push({ code: rec.reason === 'not-managed' ? 'record-not-managed' : 'record-type-immutable', name: desiredRecord.metadata.name });
  } else writes.push(...rec.writes);

  if (trustMode === 'automatic' && caPem) {
    const dsName = `hc-trust-${registryId}`;
    const exDs = current.installer?.daemonSet;
    const exCm = current.installer?.configMap;
    const foreign = [exDs, exCm].some((o) => o && o.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE);
    const image = current.installerImage ?? DEFAULT_INSTALLER_IMAGE;
    if (!current.installerImage) defaultInstallerImage = image;
    if (foreign) problems.push({ code: 'installer-not-managed', name: dsName });
    else if (!isPinnedImage(image)) problems.push({ code: 'installer-image-not-pinned', image });
    else {
      writes.push(
        ...planTrustInstaller({
          registryId,
          hostPort: choices.address.authority,
          namespace: ns,
          caSecretName: recordSecretName(registryId),
          caPem,
          runtimes: current.runtimes.length ? current.runtimes : ['containerd'],
          image,
          existing: current.installer,
        }),
      );
    }
  }

  for (const project of [...new Set(choices.projects)].sort()) {
    const foreign = current.foreignSecrets.find((s) => s.metadata?.namespace === project && s.metadata?.name === choices.secretName);
    if (foreign) {
      problems.push({ code: 'secret-name-taken', namespace: project, name: choices.secretName });
      continue;
    }
    const existing = current.managedSecrets.find((s) => s.metadata?.namespace === project && s.metadata?.name === choices.secretName);
    const desired = buildPullSecret({
      server: choices.address,
      username: choices.username,
      password: choices.password,
      email: choices.email || undefined,
      name: choices.secretName,
      namespace: project,
      registryId,
      ...(choices.createdBy ? { annotations: { [CREATOR_ANNOTATION]: choices.createdBy } } : {}),
    });
    writes.push(...planPullSecretWrite(existing, desired));
    if (choices.bindDefaultServiceAccount) {
      const sa = current.serviceAccounts[project];
      if (!sa) problems.push({ code: 'no-default-sa', namespace: project });
      else writes.push(...planBinding({ secretName: choices.secretName, serviceAccounts: [sa] }).writes);
    }
  }
  return defaultInstallerImage ? { registryId, writes, problems, defaultInstallerImage } : { registryId, writes, problems };
}

/** Apply order: the namespace first, then everything else (independent writes run concurrently). */
export function writeStage(w: Write): number {
  if (w.kind === 'Namespace' && w.action !== 'delete') return 0;
  if (w.kind === 'ServiceAccount') return 2;
  return 1;
}

// ---------- credential rotation ----------

export interface RotationInput {
  address: RegistryAddress;
  username: string;
  password: string;
  email?: string;
  /** Our pull secrets for this registry, as read with managedSelector(registryId). */
  secrets: Secret[];
}

/** One replace per copy whose credentials differ (carrying the resourceVersion read); copies already up to date are skipped. */
export function planCredentialRotation(input: RotationInput): Write[] {
  const want = dockerConfigSecretData({ server: input.address, username: input.username, password: input.password, email: input.email || undefined });
  const out: Write[] = [];
  for (const s of input.secrets) {
    if (s.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) continue;
    if (s.type !== DOCKER_CONFIG_JSON_TYPE) continue;
    if (decodeData(s.data?.[DOCKER_CONFIG_JSON_KEY]) === base64ToUtf8(want)) continue;
    const body = deepClone(s);
    delete body.stringData;
    // kubectl's last-applied copy holds the old password in clear text: it never survives a rotation.
    body.metadata = withoutLastApplied(body.metadata);
    if (body.metadata) delete (body.metadata as Record<string, unknown>).managedFields;
    body.data = { ...(s.data ?? {}), [DOCKER_CONFIG_JSON_KEY]: want };
    out.push({
      action: 'replace',
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: s.metadata?.namespace,
      name: s.metadata?.name ?? '',
      body: body as unknown as Record<string, unknown>,
      reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_SECRET_ROTATE', params: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '' } },
    });
  }
  return out;
}

// ---------- removal ----------

export interface RemovalInput {
  record: Pick<RegistryRecord, 'id' | 'name' | 'namespace'> & Partial<Pick<RegistryRecord, 'uid' | 'resourceVersion'>>;
  /** Our pull secrets for this registry (label selector). */
  secrets: Secret[];
  /** ServiceAccounts of the projects holding those secrets (those that reference them get unbound). */
  serviceAccounts: ServiceAccount[];
  installer?: { configMap?: ConfigMap; daemonSet?: DaemonSet };
  /** Probe ReverseProxies of this registry (label selector). */
  reverseProxies?: Array<{ metadata?: { name?: string; uid?: string; labels?: Record<string, string> } }>;
}

/**
 * Everything the extension wrote for a registry, removed in phases: (0) unbind ServiceAccounts and switch the
 * trust installer to remove mode; (1, after the installer reports remove mode rolled out) delete the installer,
 * pull secrets, probes and the record. Callers show every phase before running it.
 */
export function planRegistryRemoval(input: RemovalInput): { phases: Write[][]; waitForInstaller: boolean } {
  const { id, namespace } = input.record;
  const phase0: Write[] = [];
  const phase1: Write[] = [];
  const ours = input.secrets.filter((s) => s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && s.metadata?.labels?.[REGISTRY_LABEL] === id);
  for (const s of ours) {
    const sas = input.serviceAccounts.filter((sa) => sa.metadata?.namespace === s.metadata?.namespace);
    phase0.push(...planUnbinding({ secretName: s.metadata?.name ?? '', serviceAccounts: sas }).writes);
    phase1.push({
      action: 'delete',
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: s.metadata?.namespace,
      name: s.metadata?.name ?? '',
      // Only the Secret that was reviewed: not a same-named one created since, nor one changed since.
      ...preconditionsOf(s.metadata),
      reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_SECRET_DELETE', params: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace ?? '' } },
      effects: ['deletes-data'],
    });
  }
  const trust = planTrustRemoval({ registryId: id, namespace, existing: input.installer });
  phase0.push(...trust.phases[0].writes);
  phase1.push(...trust.phases[1].writes);
  for (const p of input.reverseProxies ?? []) {
    if (p.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || !p.metadata?.name) continue;
    phase1.push(probeDeleteWrite(p));
  }
  phase1.push(planRegistryRecordDelete({ name: input.record.name, namespace, uid: input.record.uid, resourceVersion: input.record.resourceVersion }));
  return { phases: [phase0, phase1].filter((p) => p.length > 0), waitForInstaller: !!trust.phases[0].waitFor };
}

export { RECORD_COMPONENT };

// Writes in flight at once: enough to hide API latency across hundreds of projects (bench/apply-plan.ts),
// few enough not to flood the API server. Over HTTP/1.1 a browser opens at most 6 connections per host,
// so there the effective bound is 6; HTTP/2 consoles get all of them.
export const APPLY_CONCURRENCY = 16;
