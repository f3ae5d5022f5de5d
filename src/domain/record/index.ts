// The registry record: one Opaque Secret per registry in the extension's namespace. It is the extension's
// only state: the CA (key ca.crt) and the non-secret settings (annotations). The trust installer mounts it,
// so the CA the nodes get is exactly the CA stored here.
import type { Secret } from 'kubernetes-types/core/v1';
import { deepClone } from '../plan/jsonpatch';
import { managedLabels } from '../plan/labels';
import type { Write } from '../plan/write';
import { LAST_APPLIED_ANNOTATION } from '../plan/secrets';
import { base64DecodeText, base64EncodeText, sha256Hex } from './encoding';
import { DEFAULT_EXTENSION_NAMESPACE } from './namespace';
import {
  ANNOTATION_PREFIX,
  COMPONENT_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RECORD_ANNOTATIONS,
  REGISTRY_LABEL,
} from './keys';

export { sha256Hex, base64EncodeText, base64DecodeText } from './encoding';
export * from './keys';
export { DEFAULT_EXTENSION_NAMESPACE };
export const RECORD_NAME_PREFIX = 'hc-registry-';
export const RECORD_COMPONENT = 'registry-record';
export const RECORD_CA_KEY = 'ca.crt';

export type RegistryKind = 'harbor' | 'oci';
export type TrustMode = 'automatic' | 'manual' | 'none';
export const TRUST_MODES: readonly TrustMode[] = ['automatic', 'manual', 'none'];

/**
 * Longest id. Well under the 63 of a label value so every derived name stays a valid DNS-1123 label too:
 * `hc-registry-<id>` (52) and the DaemonSet `hc-trust-<id>` plus the 6 characters of its pods' suffix (55).
 */
export const MAX_REGISTRY_ID_LENGTH = 40;
const HASH_LENGTH = 10;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/**
 * True when `serverKey` maps to an id by replacing `.` and `:` with `-` alone and that mapping can be undone:
 * hyphen-free DNS labels, an optional numeric port, and a last host label with a letter (or a dotted IPv4).
 * Then the id decodes back: a last segment with a letter has no port; 4 numeric segments are an IPv4,
 * 5 an IPv4 and port; otherwise the last segment is the port.
 */
function isCleanServerKey(serverKey: string): boolean {
  const m = /^([a-z0-9]+(?:\.[a-z0-9]+)*)(?::([0-9]{1,5}))?$/.exec(serverKey);
  if (!m) return false;
  const labels = m[1].split('.');
  const ipv4 = labels.length === 4 && labels.every((l) => /^[0-9]+$/.test(l));
  return ipv4 || /[a-z]/.test(labels[labels.length - 1]);
}

/**
 * A stable DNS-1123 label (≤ 40 chars) for a registry, usable as a label value and as a name part.
 * `harbor.example.com:8443` → `harbor-example-com-8443`. When characters had to be folded (hyphens,
 * upper case, IPv6 brackets …) or the result is too long, the id is `<prefix>--<10 hex of SHA-256>`.
 * Clean ids never contain `--`, so the two forms cannot meet, clean ids are injective (see isCleanServerKey),
 * and hashed ids differ unless 40 bits of SHA-256 collide.
 */
export function registryIdFromServerKey(serverKey: string): string {
  if (isCleanServerKey(serverKey)) {
    const id = serverKey.replace(/[.:]/g, '-');
    if (id.length <= MAX_REGISTRY_ID_LENGTH) return id;
  }
  const maxPrefix = MAX_REGISTRY_ID_LENGTH - 2 - HASH_LENGTH;
  const prefix =
    serverKey
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, maxPrefix)
      .replace(/-+$/, '') || 'registry';
  return `${prefix}--${sha256Hex(serverKey).slice(0, HASH_LENGTH)}`;
}

export const recordSecretName = (id: string): string => `${RECORD_NAME_PREFIX}${id}`;

/** One PEM text as written to nodes: LF line ends, no surrounding blank space, one final newline. */
export function normalizeCaPem(pem: string): string {
  const body = pem.replace(/\r\n?/g, '\n').trim();
  return body ? `${body}\n` : '';
}

/** SHA-256 (hex) of the ca.crt bytes the nodes get; equals `sha256sum ca.crt` there. */
export function caFileSha256(caPem: string): string {
  return sha256Hex(normalizeCaPem(caPem));
}

export interface RegistryRecordSpec {
  serverKey: string;
  /** The address as the user typed it, shown back to them. */
  address: string;
  displayName?: string;
  /** Detected after the record exists; absent until then. */
  kind?: RegistryKind;
  trustMode: TrustMode;
  insecure?: boolean;
  /** The CA PEM; absent when the registry's certificate is publicly trusted. */
  caPem?: string;
  createdBy?: string;
  /** Default DEFAULT_EXTENSION_NAMESPACE. */
  namespace?: string;
  /** Default registryIdFromServerKey(serverKey). */
  id?: string;
}

export interface RegistryRecord {
  id: string;
  name: string;
  namespace: string;
  serverKey: string;
  address: string;
  displayName: string;
  kind?: RegistryKind;
  trustMode: TrustMode;
  insecure: boolean;
  caPem?: string;
  createdBy?: string;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
}

export function recordLabels(id: string): Record<string, string> {
  return { ...managedLabels(id), [COMPONENT_LABEL]: RECORD_COMPONENT };
}

/** Label selector listing every record in the extension namespace in one request. */
export const RECORD_LABEL_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${COMPONENT_LABEL}=${RECORD_COMPONENT}`;

export function buildRegistryRecord(spec: RegistryRecordSpec): Secret & { metadata: { name: string; namespace: string } } {
  const id = spec.id ?? registryIdFromServerKey(spec.serverKey);
  if (!isDns1123Label(id)) throw new Error(`registry id ${JSON.stringify(id)} is not a DNS-1123 label`);
  const annotations: Record<string, string> = {
    [RECORD_ANNOTATIONS.address]: spec.address,
    [RECORD_ANNOTATIONS.serverKey]: spec.serverKey,
    [RECORD_ANNOTATIONS.displayName]: spec.displayName?.trim() || spec.serverKey,
    [RECORD_ANNOTATIONS.trustMode]: spec.trustMode,
    [RECORD_ANNOTATIONS.insecure]: spec.insecure ? 'true' : 'false',
  };
  if (spec.kind) annotations[RECORD_ANNOTATIONS.kind] = spec.kind;
  if (spec.createdBy) annotations[RECORD_ANNOTATIONS.createdBy] = spec.createdBy;
  const ca = spec.caPem ? normalizeCaPem(spec.caPem) : '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: recordSecretName(id),
      namespace: spec.namespace ?? DEFAULT_EXTENSION_NAMESPACE,
      labels: recordLabels(id),
      annotations,
    },
    type: 'Opaque',
    ...(ca ? { data: { [RECORD_CA_KEY]: base64EncodeText(ca) } } : {}),
  };
}

export type RecordParseFailure =
  | 'not-a-secret'
  | 'not-managed'
  | 'not-a-record'
  | 'inconsistent-name'
  | 'missing-server-key'
  | 'bad-trust-mode'
  | 'bad-ca-encoding';

export type RecordParseResult = { ok: true; record: RegistryRecord } | { ok: false; reason: RecordParseFailure };

export function parseRegistryRecord(obj: unknown): RecordParseResult {
  const secret = obj as Secret | undefined;
  if (!secret || typeof secret !== 'object' || (secret.kind !== undefined && secret.kind !== 'Secret')) {
    return { ok: false, reason: 'not-a-secret' };
  }
  const meta = secret.metadata ?? {};
  const labels = meta.labels ?? {};
  const ann = meta.annotations ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return { ok: false, reason: 'not-managed' };
  const id = labels[REGISTRY_LABEL];
  if (!id || labels[COMPONENT_LABEL] !== RECORD_COMPONENT) return { ok: false, reason: 'not-a-record' };
  if (meta.name !== recordSecretName(id)) return { ok: false, reason: 'inconsistent-name' };
  const serverKey = ann[RECORD_ANNOTATIONS.serverKey];
  if (!serverKey) return { ok: false, reason: 'missing-server-key' };
  const trustMode = ann[RECORD_ANNOTATIONS.trustMode] as TrustMode;
  if (!TRUST_MODES.includes(trustMode)) return { ok: false, reason: 'bad-trust-mode' };
  let caPem: string | undefined;
  const rawCa = secret.data?.[RECORD_CA_KEY];
  if (rawCa !== undefined && rawCa !== '') {
    caPem = base64DecodeText(rawCa);
    if (caPem === undefined) return { ok: false, reason: 'bad-ca-encoding' };
  } else if (secret.stringData?.[RECORD_CA_KEY]) {
    caPem = secret.stringData[RECORD_CA_KEY];
  }
  const kind = ann[RECORD_ANNOTATIONS.kind];
  const record: RegistryRecord = {
    id,
    name: meta.name,
    namespace: meta.namespace ?? DEFAULT_EXTENSION_NAMESPACE,
    serverKey,
    address: ann[RECORD_ANNOTATIONS.address] ?? serverKey,
    displayName: ann[RECORD_ANNOTATIONS.displayName] || serverKey,
    trustMode,
    insecure: ann[RECORD_ANNOTATIONS.insecure] === 'true',
  };
  // An unknown kind (a newer version's value) reads as "not detected yet" rather than as a broken record.
  if (kind === 'harbor' || kind === 'oci') record.kind = kind;
  if (caPem) record.caPem = caPem;
  if (ann[RECORD_ANNOTATIONS.createdBy]) record.createdBy = ann[RECORD_ANNOTATIONS.createdBy];
  if (meta.resourceVersion) record.resourceVersion = meta.resourceVersion;
  if (meta.uid) record.uid = meta.uid;
  if (meta.creationTimestamp) record.creationTimestamp = meta.creationTimestamp;
  return { ok: true, record };
}

/** The spec that rebuilds a parsed record (for edits: parse, change a field, plan). */
export function recordToSpec(record: RegistryRecord): RegistryRecordSpec {
  return {
    id: record.id,
    namespace: record.namespace,
    serverKey: record.serverKey,
    address: record.address,
    displayName: record.displayName,
    kind: record.kind,
    trustMode: record.trustMode,
    insecure: record.insecure,
    caPem: record.caPem,
    createdBy: record.createdBy,
  };
}

export type RecordWritePlan =
  | { status: 'create' | 'replace'; writes: [Write] }
  | { status: 'unchanged'; writes: [] }
  /** A Secret of that name exists and is not ours, or its type cannot be changed: nothing is written. */
  | { status: 'conflict'; writes: []; reason: 'not-managed' | 'type-immutable' };

function sameStringMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ea = Object.entries(a ?? {});
  const bb = b ?? {};
  return ea.length === Object.keys(bb).length && ea.every(([k, v]) => bb[k] === v);
}

/**
 * Create when missing, replace (carrying the resourceVersion read) when a field we own differs, nothing when
 * equal, so applying the plan twice writes once. Fields others own on the existing Secret (their labels,
 * annotations, data keys) are kept; the original created-by is never overwritten.
 */
export function planRegistryRecordWrite(input: { existing?: Secret; desired: Secret }): RecordWritePlan {
  const { existing, desired } = input;
  const name = desired.metadata?.name as string;
  const namespace = desired.metadata?.namespace;
  const base = { apiVersion: 'v1', kind: 'Secret', namespace, name };
  if (!existing) {
    return {
      status: 'create',
      writes: [{ ...base, action: 'create', body: deepClone(desired) as unknown as Record<string, unknown>, reason: { key: 'HARBOR_CONNECT_TRUST_WHY_RECORD_CREATE', params: { name } } }],
    };
  }
  const exMeta = existing.metadata ?? {};
  if (exMeta.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return { status: 'conflict', writes: [], reason: 'not-managed' };
  if ((existing.type ?? 'Opaque') !== (desired.type ?? 'Opaque')) {
    return { status: 'conflict', writes: [], reason: 'type-immutable' };
  }

  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(exMeta.annotations ?? {})) if (!k.startsWith(ANNOTATION_PREFIX) && k !== LAST_APPLIED_ANNOTATION) annotations[k] = v;
  Object.assign(annotations, desired.metadata?.annotations ?? {});
  const createdBy = exMeta.annotations?.[RECORD_ANNOTATIONS.createdBy];
  if (createdBy) annotations[RECORD_ANNOTATIONS.createdBy] = createdBy;
  else delete annotations[RECORD_ANNOTATIONS.createdBy];

  const labels = { ...(exMeta.labels ?? {}), ...(desired.metadata?.labels ?? {}) };
  const data: Record<string, string> = { ...(existing.data ?? {}) };
  delete data[RECORD_CA_KEY];
  Object.assign(data, desired.data ?? {});

  const unchanged =
    sameStringMap(labels, exMeta.labels) &&
    sameStringMap(annotations, exMeta.annotations) &&
    sameCaData(data, existing.data ?? {});
  if (unchanged) return { status: 'unchanged', writes: [] };

  const body = deepClone(existing) as Secret;
  delete body.stringData;
  body.metadata = { ...deepClone(exMeta), labels, annotations, resourceVersion: exMeta.resourceVersion };
  if (Object.keys(data).length) body.data = data;
  else delete body.data;
  return {
    status: 'replace',
    writes: [{ ...base, action: 'replace', body: body as unknown as Record<string, unknown>, reason: { key: 'HARBOR_CONNECT_TRUST_WHY_RECORD_REPLACE', params: { name } } }],
  };
}

// base64 text can differ (line breaks) for the same bytes; compare what it decodes to.
function sameCaData(a: Record<string, string>, b: Record<string, string>): boolean {
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  return Object.keys(a).every((k) => k in b && (a[k] === b[k] || base64DecodeText(a[k]) === base64DecodeText(b[k])));
}

/** Delete preconditions from what was read: the object's uid and resourceVersion (either may be absent). */
export function preconditionsOf(read: { uid?: string; resourceVersion?: string } | undefined): Pick<Write, 'preconditions'> {
  const p = { ...(read?.uid ? { uid: read.uid } : {}), ...(read?.resourceVersion ? { resourceVersion: read.resourceVersion } : {}) };
  return Object.keys(p).length ? { preconditions: p } : {};
}

export function planRegistryRecordDelete(record: { name: string; namespace: string; uid?: string; resourceVersion?: string }): Write {
  return {
    action: 'delete',
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: record.namespace,
    name: record.name,
    ...preconditionsOf(record),
    reason: { key: 'HARBOR_CONNECT_TRUST_WHY_RECORD_DELETE', params: { name: record.name } },
    effects: ['deletes-data'],
  };
}
