// The automatic way to trust a registry CA on every node: a ConfigMap with the installer script and a
// DaemonSet that runs it on each node, copying the CA from the registry record into each runtime's certs.d
// folder (the node-ca DaemonSet pattern, docs/registry.md). Removal is two-phase, see planTrustRemoval.
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import { deepClone, deepEqual } from '../plan/jsonpatch';
import { managedLabels, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../plan/labels';
import type { Write } from '../plan/write';
import {
  ANNOTATION_PREFIX,
  CA_SHA256_ANNOTATION,
  caFileSha256,
  COMPONENT_LABEL,
  preconditionsOf,
  CONFIG_SHA256_ANNOTATION,
  RECORD_CA_KEY,
  REGISTRY_LABEL,
  sha256Hex,
  TRUST_MODE_ANNOTATION,
} from '../record';
import { registryHost } from './host';
import { isPublicRegistryHost } from '../registry/public';
import { containerdHostsToml } from './manual';
import {
  INSTANCE_TYPE_LABEL,
  isAutomaticRuntime,
  RUNTIME_CERTS_DIRS,
  type AutomaticRuntime,
  type NodeRuntime,
  type NodeRuntimeName,
} from './runtime';
import { INSTALLER_SCRIPT } from './script';

export const TRUST_COMPONENT = 'trust-installer';
export const TRUST_NAME_PREFIX = 'hc-trust-';
/**
 * Registry-independent, so trust can be installed before the registry is trusted. Pinned by digest (the
 * multi-arch index of busybox 1.36.1): what runs on every node as root cannot change under the same name.
 * extension.yaml `images:` lists the same reference for air-gapped mirroring.
 */
export const DEFAULT_INSTALLER_IMAGE = 'docker.io/library/busybox:1.36.1@sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662';
export const DEFAULT_INTERVAL_SECONDS = 300;
/** The ConfigMap the extension's chart renders from its values in each cluster (charts/agent/templates/settings.yaml). */
export const SETTINGS_CONFIGMAP = 'harbor-connect-settings';
/** Its key holding the trust installer's image (global.imageRegistry or installer.image applied). */
export const SETTINGS_INSTALLER_IMAGE = 'installerImage';
/** Annotation on the DaemonSet and ConfigMap: SHA-256 of the body we wrote, so "unchanged" ignores server defaults. */
export const SPEC_SHA256_ANNOTATION = `${ANNOTATION_PREFIX}spec-sha256`;

export const INSTALLER_PATHS = {
  config: '/hc/config',
  script: '/hc/config/install.sh',
  ca: '/hc/ca',
  caFile: `/hc/ca/${RECORD_CA_KEY}`,
  tmp: '/tmp',
  ready: '/tmp/ready',
} as const;

export type InstallerMode = 'install' | 'remove';

export const trustInstallerName = (registryId: string): string => `${TRUST_NAME_PREFIX}${registryId}`;

export function trustInstallerLabels(registryId: string): Record<string, string> {
  return { ...managedLabels(registryId), [COMPONENT_LABEL]: TRUST_COMPONENT };
}

export interface TrustInstallerInput {
  registryId: string;
  /** `host[:port]` (the record's serverKey). */
  hostPort: string;
  /** The extension namespace; the record Secret must be in it. */
  namespace: string;
  /** The registry record Secret (key ca.crt). */
  caSecretName: string;
  /** The CA as stored in the record; its SHA-256 goes on the pod template so a rotation rolls the pods. */
  caPem: string;
  /** Runtimes of the cluster's nodes; only automatic ones (containerd, docker, cri-o) get a mount. */
  runtimes: Array<NodeRuntimeName | NodeRuntime>;
  image?: string;
  intervalSeconds?: number;
  /** Pull secrets for the installer image itself (an image from a private registry). */
  imagePullSecrets?: string[];
  /**
   * Unset by default: the installer is not critical for a node to work (trust files persist without it), and
   * the system-*-critical classes are quota-limited to kube-system in some clusters and preempt user pods.
   */
  priorityClassName?: string;
  /** SELinux-enforcing nodes: container_t cannot write /etc; e.g. 'spc_t' lets it (no privileged needed). */
  seLinuxType?: string;
  /** What exists now, for idempotence: unchanged objects are not written again. */
  existing?: { configMap?: ConfigMap; daemonSet?: DaemonSet };
}

export type InstallerTargets = AutomaticRuntime[];

export function installerTargets(runtimes: TrustInstallerInput['runtimes']): InstallerTargets {
  const names = new Set(runtimes.map((r) => (typeof r === 'string' ? r : r.runtime)));
  return (Object.keys(RUNTIME_CERTS_DIRS) as AutomaticRuntime[]).filter((r) => names.has(r) && isAutomaticRuntime(r));
}

function volumeName(runtime: AutomaticRuntime): string {
  return `certs-${runtime.replace(/[^a-z0-9]/g, '')}`;
}

/**
 * The one host folder the installer may touch per runtime. Install mode mounts exactly the registry's folder
 * (<certs.d>/<host[:port]>), nothing else of the node. Remove mode mounts its parent, <certs.d>, so that the
 * registry's folder itself can be removed once empty (a mount point cannot be); it only ever deletes the files its
 * marker names, with the same pinned script.
 */
export function certsMountPath(runtime: AutomaticRuntime, hostDir: string, mode: InstallerMode): string {
  return mode === 'install' ? `${RUNTIME_CERTS_DIRS[runtime]}/${hostDir}` : RUNTIME_CERTS_DIRS[runtime];
}

/** An image reference pinned by digest: `name@sha256:<64 hex>` (a tag before the digest is allowed, and ignored). */
export function isPinnedImage(image: string): boolean {
  return /^[a-z0-9][a-z0-9._:/-]*(:[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/.test(image);
}

/**
 * The container's command: the script comes from the ConfigMap, so it runs only when its sha256 is the one pinned
 * here (changing the ConfigMap alone changes nothing on the nodes); otherwise the pod fails with the reason.
 */
export function installerCommand(scriptSha256: string): string[] {
  const why = `HC_ERROR PIN_MISMATCH: ${INSTALLER_PATHS.script} is not the script this installer was planned with (sha256 ${scriptSha256})`;
  return [
    'sh',
    '-c',
    [
      `s="$(sha256sum ${INSTALLER_PATHS.script})" && [ "\${s%% *}" = "${scriptSha256}" ] && exec sh ${INSTALLER_PATHS.script}`,
      `echo "${why}" >&2`,
      `if [ -f /dev/termination-log ]; then echo "${why}" > /dev/termination-log; fi`,
      'exit 1',
    ].join('; '),
  ];
}

/** The ConfigMap: the script and the hosts.toml the script copies for containerd. */
export function buildInstallerConfigMap(input: Pick<TrustInstallerInput, 'registryId' | 'hostPort' | 'namespace'>): ConfigMap {
  const host = registryHost(input.hostPort);
  const body: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: trustInstallerName(input.registryId),
      namespace: input.namespace,
      labels: trustInstallerLabels(input.registryId),
    },
    data: { 'install.sh': INSTALLER_SCRIPT, 'hosts.toml': containerdHostsToml(host) },
  };
  return withSpecHash(body);
}

/** Automatic trust never writes files for a public registry's host (see domain/registry/public.ts). */
export function refusePublicRegistry(hostPort: string): void {
  if (isPublicRegistryHost(registryHost(hostPort).host)) {
    throw new Error(`automatic trust is not for public registries: ${hostPort} would get a hosts.toml on every node`);
  }
}

export function buildInstallerDaemonSet(input: TrustInstallerInput, mode: InstallerMode = 'install'): DaemonSet {
  const host = registryHost(input.hostPort);
  if (mode === 'install') refusePublicRegistry(input.hostPort);
  const targets = installerTargets(input.runtimes);
  if (targets.length === 0) throw new Error('no node runtime the trust installer can handle (containerd, docker, cri-o)');
  const name = trustInstallerName(input.registryId);
  const labels = trustInstallerLabels(input.registryId);
  const configMap = buildInstallerConfigMap(input);
  const interval = Math.max(10, Math.round(input.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS));
  // The default is pinned by digest; the wizard refuses any other image that is not (buildWizardPlan).
  const image = input.image ?? DEFAULT_INSTALLER_IMAGE;
  const hostsToml = configMap.data?.['hosts.toml'] ?? '';
  const env = [
    { name: 'HC_MODE', value: mode },
    { name: 'HC_REGISTRY_ID', value: input.registryId },
    { name: 'HC_HOST_DIR', value: host.hostDir },
    { name: 'HC_TARGETS', value: targets.map((r) => `${r}=${RUNTIME_CERTS_DIRS[r]}`).join(' ') },
    { name: 'HC_CA_FILE', value: INSTALLER_PATHS.caFile },
    { name: 'HC_CONFIG_DIR', value: INSTALLER_PATHS.config },
    { name: 'HC_INTERVAL', value: String(interval) },
    { name: 'HC_READY_FILE', value: INSTALLER_PATHS.ready },
    { name: 'HC_WORK_DIR', value: INSTALLER_PATHS.tmp },
    // What the installer may write, pinned here: a change of the record Secret or the ConfigMap alone (anyone
    // with write access to the extension namespace) installs nothing on the nodes.
    { name: 'HC_CA_SHA256', value: input.caPem ? caFileSha256(input.caPem) : '' },
    { name: 'HC_HOSTS_SHA256', value: sha256Hex(hostsToml) },
  ];
  const podSpec: NonNullable<NonNullable<DaemonSet['spec']>['template']['spec']> = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 5,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    affinity: {
      nodeAffinity: {
        // k3s/RKE2 regenerate their containerd hosts files from registries.yaml: manual instructions there.
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: INSTANCE_TYPE_LABEL, operator: 'NotIn', values: ['k3s', 'rke2'] }] }],
        },
      },
    },
    // Every node, control plane and tainted ones included: an untrusted node fails every pull it gets.
    tolerations: [{ operator: 'Exists' }],
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'installer',
        image,
        // Pinned by digest: IfNotPresent can only ever find that very image.
        imagePullPolicy: 'IfNotPresent',
        command: installerCommand(sha256Hex(INSTALLER_SCRIPT)),
        env,
        resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
        readinessProbe: { exec: { command: ['test', '-f', INSTALLER_PATHS.ready] }, periodSeconds: 5, failureThreshold: 1 },
        terminationMessagePolicy: 'FallbackToLogsOnError',
        securityContext: {
          // uid 0 owns /etc/*/certs.d, so the owner bits let it write there with no capability at all
          // (DAC_OVERRIDE is only needed to write what another uid owns).
          runAsUser: 0,
          runAsGroup: 0,
          runAsNonRoot: false,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          ...(input.seLinuxType ? { seLinuxOptions: { type: input.seLinuxType } } : {}),
        },
        volumeMounts: [
          { name: 'config', mountPath: INSTALLER_PATHS.config, readOnly: true },
          { name: 'ca', mountPath: INSTALLER_PATHS.ca, readOnly: true },
          { name: 'tmp', mountPath: INSTALLER_PATHS.tmp },
          // Mounted at the node's own path, so the script and hosts.toml name the same path as the node.
          ...targets.map((r) => ({ name: volumeName(r), mountPath: certsMountPath(r, host.hostDir, mode) })),
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name, defaultMode: 0o444 } },
      // Optional: remove mode must start even after the CA was taken out of the record.
      { name: 'ca', secret: { secretName: input.caSecretName, items: [{ key: RECORD_CA_KEY, path: RECORD_CA_KEY }], optional: true, defaultMode: 0o444 } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      ...targets.map((r) => ({ name: volumeName(r), hostPath: { path: certsMountPath(r, host.hostDir, mode), type: 'DirectoryOrCreate' } })),
    ],
  };
  if (input.imagePullSecrets?.length) podSpec.imagePullSecrets = input.imagePullSecrets.map((n) => ({ name: n }));
  if (input.priorityClassName) podSpec.priorityClassName = input.priorityClassName;

  const body: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: input.namespace, labels },
    spec: {
      selector: { matchLabels: { [REGISTRY_LABEL]: input.registryId, [COMPONENT_LABEL]: TRUST_COMPONENT } },
      // Files stay on the node while its pod restarts, so many pods may roll at once (a CA rotation lands fast).
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } },
      template: {
        metadata: {
          labels,
          annotations: {
            [CA_SHA256_ANNOTATION]: caFileSha256(input.caPem),
            [CONFIG_SHA256_ANNOTATION]: configMap.metadata?.annotations?.[SPEC_SHA256_ANNOTATION] ?? '',
            [TRUST_MODE_ANNOTATION]: mode,
          },
        },
        spec: podSpec,
      },
    },
  };
  return withSpecHash(body);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function withSpecHash<T extends { metadata?: { annotations?: Record<string, string> } }>(obj: T): T {
  const copy = deepClone(obj);
  if (copy.metadata?.annotations) delete copy.metadata.annotations[SPEC_SHA256_ANNOTATION];
  const hash = sha256Hex(canonicalJson(copy));
  copy.metadata = { ...(copy.metadata ?? {}), annotations: { ...(copy.metadata?.annotations ?? {}), [SPEC_SHA256_ANNOTATION]: hash } };
  return copy;
}

type KubeObject = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string } };

export type ObjectWriteResult = { writes: Write[]; conflict?: 'not-managed' };

/**
 * Create, replace (with the resourceVersion read, keeping other owners' labels and annotations) or nothing
 * when the object already carries the spec hash of `desired`.
 */
export function planOwnedObjectWrite(existing: KubeObject | undefined, desired: KubeObject, why: { create: string; replace: string }, effects?: Write['effects']): ObjectWriteResult {
  const base = { apiVersion: desired.apiVersion as string, kind: desired.kind as string, namespace: desired.metadata?.namespace, name: desired.metadata?.name as string };
  const params = { name: base.name };
  if (!existing) return { writes: [{ ...base, action: 'create', body: deepClone(desired) as Record<string, unknown>, reason: { key: why.create, params } }] };
  if (existing.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return { writes: [], conflict: 'not-managed' };
  const want = desired.metadata?.annotations?.[SPEC_SHA256_ANNOTATION];
  const have = existing.metadata?.annotations?.[SPEC_SHA256_ANNOTATION];
  const labelsKept = deepEqual({ ...(existing.metadata?.labels ?? {}), ...(desired.metadata?.labels ?? {}) }, existing.metadata?.labels ?? {});
  if (want && want === have && labelsKept) return { writes: [] };
  const body = deepClone(desired);
  const foreignAnnotations = Object.fromEntries(Object.entries(existing.metadata?.annotations ?? {}).filter(([k]) => !k.startsWith(ANNOTATION_PREFIX)));
  body.metadata = {
    ...body.metadata,
    labels: { ...(existing.metadata?.labels ?? {}), ...(desired.metadata?.labels ?? {}) },
    annotations: { ...foreignAnnotations, ...(desired.metadata?.annotations ?? {}) },
    resourceVersion: existing.metadata?.resourceVersion,
  };
  return { writes: [{ ...base, action: 'replace', body: body as Record<string, unknown>, reason: { key: why.replace, params }, ...(effects ? { effects } : {}) }] };
}

/**
 * ConfigMap then DaemonSet (the pods mount the ConfigMap); each written only when it differs from `existing`.
 * The record Secret (caSecretName) must exist first: write it in an earlier step of the same plan.
 */
export function planTrustInstaller(input: TrustInstallerInput): Write[] {
  refusePublicRegistry(input.hostPort);
  const cm = planOwnedObjectWrite(input.existing?.configMap, buildInstallerConfigMap(input), {
    create: 'HARBOR_CONNECT_TRUST_WHY_CONFIGMAP_CREATE',
    replace: 'HARBOR_CONNECT_TRUST_WHY_CONFIGMAP_REPLACE',
  });
  const ds = planOwnedObjectWrite(
    input.existing?.daemonSet,
    buildInstallerDaemonSet(input, 'install'),
    { create: 'HARBOR_CONNECT_TRUST_WHY_DAEMONSET_CREATE', replace: 'HARBOR_CONNECT_TRUST_WHY_DAEMONSET_REPLACE' },
    ['rolls-workload'],
  );
  return [...cm.writes, ...ds.writes];
}

export interface TrustRemovalInput {
  registryId: string;
  namespace: string;
  /** The installer as it runs now; its own mounts and targets are reused so remove mode cleans what install wrote. */
  existing?: { configMap?: ConfigMap; daemonSet?: DaemonSet };
  /** When the DaemonSet is gone but files may remain: build a remove-mode installer from these. */
  rebuild?: Omit<TrustInstallerInput, 'existing' | 'registryId' | 'namespace'>;
  /** How long the UI waits for phase 1 before offering to go on anyway (NotReady nodes never report). */
  timeoutSeconds?: number;
}

export interface WaitForInstallerMode {
  kind: 'daemonset-ready';
  namespace: string;
  name: string;
  mode: InstallerMode;
  timeoutSeconds: number;
}

/**
 * Phase 1 switches the installer to remove mode (each pod deletes only the files it wrote); when every pod
 * reports ready in remove mode (installerRolledOut), phase 2 deletes the DaemonSet and the ConfigMap.
 * Deleting at once would leave the CA and hosts.toml on every node. The record Secret may be deleted after
 * phase 1 (the CA volume is optional), typically in phase 2 by the caller.
 */
export interface TrustRemovalPlan {
  phases: [{ writes: Write[]; waitFor?: WaitForInstallerMode }, { writes: Write[] }];
}

export function planTrustRemoval(input: TrustRemovalInput): TrustRemovalPlan {
  const name = trustInstallerName(input.registryId);
  const timeoutSeconds = input.timeoutSeconds ?? 300;
  const phase1: Write[] = [];
  let ds = input.existing?.daemonSet;
  if (ds && ds.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) ds = undefined;
  let configMap = input.existing?.configMap;
  if (!configMap && (ds || input.rebuild)) {
    // The script lives in the ConfigMap: remove mode cannot run without it.
    const hostPort = ds ? hostPortFromDaemonSet(ds) : input.rebuild?.hostPort;
    if (hostPort) {
      const cm = buildInstallerConfigMap({ registryId: input.registryId, hostPort, namespace: input.namespace });
      phase1.push(...planOwnedObjectWrite(undefined, cm, { create: 'HARBOR_CONNECT_TRUST_WHY_CONFIGMAP_CREATE', replace: '' }).writes);
      configMap = cm;
    }
  }
  if (ds) {
    if (installerModeOf(ds) !== 'remove') {
      const body = toRemoveMode(ds);
      phase1.push({
        action: 'replace',
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        namespace: input.namespace,
        name,
        body: body as Record<string, unknown>,
        reason: { key: 'HARBOR_CONNECT_TRUST_WHY_DAEMONSET_REMOVE_MODE', params: { name } },
        effects: ['rolls-workload'],
      });
    }
  } else if (input.rebuild) {
    const body = buildInstallerDaemonSet({ ...input.rebuild, registryId: input.registryId, namespace: input.namespace }, 'remove');
    phase1.push({
      action: 'create',
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace: input.namespace,
      name,
      body: body as Record<string, unknown>,
      reason: { key: 'HARBOR_CONNECT_TRUST_WHY_DAEMONSET_REMOVE_MODE', params: { name } },
    });
    ds = body;
  }
  const phase2: Write[] = [];
  // Phase 1 rewrites the DaemonSet (remove mode), so its delete is pinned to the object (uid), not its version.
  // The ConfigMap is pinned to the version read unless phase 1 creates it.
  const dsRead = input.existing?.daemonSet === ds ? ds?.metadata : undefined;
  const cmRead = input.existing?.configMap === configMap ? configMap?.metadata : undefined;
  if (ds) {
    phase2.push({
      action: 'delete',
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace: input.namespace,
      name,
      ...preconditionsOf(dsRead?.uid ? { uid: dsRead.uid } : undefined),
      reason: { key: 'HARBOR_CONNECT_TRUST_WHY_DAEMONSET_DELETE', params: { name } },
    });
  }
  if (configMap) {
    phase2.push({
      action: 'delete',
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: input.namespace,
      name,
      ...preconditionsOf(cmRead ? { uid: cmRead.uid, resourceVersion: cmRead.resourceVersion } : undefined),
      reason: { key: 'HARBOR_CONNECT_TRUST_WHY_CONFIGMAP_DELETE', params: { name } },
    });
  }
  return {
    phases: [
      { writes: phase1, ...(ds ? { waitFor: { kind: 'daemonset-ready', namespace: input.namespace, name, mode: 'remove', timeoutSeconds } } : {}) },
      { writes: phase2 },
    ],
  };
}

function installerEnv(ds: DaemonSet, key: string): string | undefined {
  return ds.spec?.template.spec?.containers?.[0]?.env?.find((e) => e.name === key)?.value;
}

export function installerModeOf(obj: DaemonSet | Pod): InstallerMode {
  const ann = 'spec' in obj && obj.spec && 'template' in obj.spec ? (obj as DaemonSet).spec?.template.metadata?.annotations : (obj as Pod).metadata?.annotations;
  return ann?.[TRUST_MODE_ANNOTATION] === 'remove' ? 'remove' : 'install';
}

function hostPortFromDaemonSet(ds: DaemonSet): string | undefined {
  return installerEnv(ds, 'HC_HOST_DIR');
}

/** The same DaemonSet in remove mode: env HC_MODE=remove and the mode annotation (which also rolls the pods). */
export function toRemoveMode(ds: DaemonSet): DaemonSet {
  const body = deepClone(ds);
  const tpl = body.spec!.template;
  tpl.metadata = { ...(tpl.metadata ?? {}), annotations: { ...(tpl.metadata?.annotations ?? {}), [TRUST_MODE_ANNOTATION]: 'remove' } };
  const hostDir = installerEnv(ds, 'HC_HOST_DIR');
  // Install mode mounts <certs.d>/<host>; remove mode needs <certs.d> to remove that folder once empty.
  const parentOf = (path: string | undefined) => (hostDir && path?.endsWith(`/${hostDir}`) ? path.slice(0, -hostDir.length - 1) : path);
  const widened = new Set<string>();
  for (const v of tpl.spec?.volumes ?? []) {
    const parent = parentOf(v.hostPath?.path);
    if (v.hostPath && parent && parent !== v.hostPath.path) {
      v.hostPath = { ...v.hostPath, path: parent };
      widened.add(v.name);
    }
  }
  for (const c of tpl.spec?.containers ?? []) {
    const env = (c.env ?? []).filter((e) => e.name !== 'HC_MODE');
    c.env = [{ name: 'HC_MODE', value: 'remove' }, ...env];
    for (const m of c.volumeMounts ?? []) if (widened.has(m.name)) m.mountPath = parentOf(m.mountPath) ?? m.mountPath;
  }
  delete (body as { status?: unknown }).status;
  const withHash = withSpecHash(body);
  return { ...withHash, metadata: { ...withHash.metadata, resourceVersion: ds.metadata?.resourceVersion } };
}

/**
 * Whether the installer runs `mode` on every node it should: each scheduled pod (not terminating) carries the
 * mode annotation and is Ready, and the DaemonSet's controller saw the latest spec and scheduled them all.
 */
export function installerRolledOut(input: { daemonSet: DaemonSet; pods: Pod[]; mode: InstallerMode }): boolean {
  const { daemonSet: ds, pods, mode } = input;
  const st = ds.status;
  if (!st) return false;
  if ((st.observedGeneration ?? 0) < (ds.metadata?.generation ?? 0)) return false;
  const desired = st.desiredNumberScheduled ?? 0;
  const uid = ds.metadata?.uid;
  const own = pods.filter(
    (p) =>
      !p.metadata?.deletionTimestamp &&
      (uid ? p.metadata?.ownerReferences?.some((o) => o.uid === uid) : p.metadata?.labels?.[REGISTRY_LABEL] === ds.spec?.selector.matchLabels?.[REGISTRY_LABEL]),
  );
  const ready = own.filter((p) => installerModeOf(p) === mode && isPodReady(p));
  return ready.length >= desired && (st.updatedNumberScheduled ?? 0) >= desired && own.length === ready.length;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
