// The registry probe: what a KubeSphere ReverseProxy lets the browser ask a registry, CA-aware, WITHOUT any
// credential. ks-apiserver (pkg/apiserver/filters/reverseproxy.go) forwards /proxy/<path> to the upstream of the
// first ReverseProxy whose matcher fits (method equal or '*', path equal or prefix with a trailing '*'), with
// the transport built from upstream.caBundle (base64 once more after JSON decoding) and cached BY NAME for good.
// It answers 503 with body {} unless status.state is "Available", and finds ReverseProxies through an informer,
// so the first request after the create may still get 404 or 503.
//
// What is planned here, for each probe run:
//   - one ReverseProxy per path asked, named hc-probe-<random id>-<path tag>: GET only, the exact path only
//     (/proxy/harbor-connect/<id>/v2/, …), so the object answers nothing else and to nobody who cannot guess id;
//   - no Authorization upstream (the user's own bearer token never reaches the registry), no Cookie, and no
//     WWW-Authenticate or Set-Cookie back (a Basic challenge would open the browser's login dialog; a registry
//     must not set cookies on the console's origin);
//   - status.state Available in the create body (the CRD has no status subresource);
//   - labels to find leftovers of closed tabs, deleted on the next visit (probeLeftovers).
// A 401 on /v2/ proves reachability and TLS with that CA; the credential itself is proven by KubeSphere's verify
// endpoint and by the pull test, never through a ReverseProxy.
import { managedLabels, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../plan/labels';
import type { Write } from '../plan/write';
import { base64EncodeText, COMPONENT_LABEL } from '../record';
import type { RegistryAddress } from './address';

export const PROBE_COMPONENT = 'probe';
export const PROBE_NAME_PREFIX = 'hc-probe-';
export const PROBE_PATH_PREFIX = '/proxy/harbor-connect';
/** Groups the ReverseProxies of one probe run. */
export const PROBE_RUN_LABEL = 'harbor-connect.kubesphere.io/probe-run';
/** A probe run lives a few seconds; older objects are leftovers of a closed tab. */
export const PROBE_LEFTOVER_AFTER_MS = 2 * 60_000;

/** The paths a probe may ask: the registry API root, and Harbor's anonymous endpoints. */
export const PROBE_PATHS = {
  v2: '/v2/',
  ping: '/api/v2.0/ping',
  health: '/api/v2.0/health',
  systeminfo: '/api/v2.0/systeminfo',
} as const;
export type ProbePathTag = keyof typeof PROBE_PATHS;

const ID = /^[a-f0-9]{24}$/;

/** 96 random bits as 24 hex characters (from crypto.getRandomValues unless a source is given, for tests). */
export function newProbeId(randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  return Array.from(randomBytes(12), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface ProbePlanInput {
  registryId: string;
  address: Pick<RegistryAddress, 'secure' | 'authority' | 'isDockerHub'>;
  /** The CA the probe trusts; none: the system roots. */
  caPem?: string;
  id: string;
  /** Asked in this order; /v2/ is created last, so once it answers, the others are known to ks-apiserver too. */
  paths: ProbePathTag[];
}

export function probeObjectName(id: string, tag: ProbePathTag): string {
  return `${PROBE_NAME_PREFIX}${id}-${tag}`;
}

/** The path the browser asks (without the /proxy-api and /clusters prefixes) for one tag of a run. */
export function probeRequestPath(id: string, tag: ProbePathTag): string {
  return `${PROBE_PATH_PREFIX}/${id}${PROBE_PATHS[tag]}`;
}

/** The upstream URL: scheme and authority only (Docker Hub's API lives on registry-1.docker.io). */
export function probeUpstream(address: ProbePlanInput['address']): string {
  const authority = address.isDockerHub ? 'registry-1.docker.io' : address.authority;
  return `${address.secure ? 'https' : 'http'}://${authority}`;
}

/** The creates of one probe run, /v2/ last. */
export function planProbe(input: ProbePlanInput): Write[] {
  if (!ID.test(input.id)) throw new Error(`probe id must be 24 hex characters: ${JSON.stringify(input.id)}`);
  const tags = [...new Set(input.paths)].sort((a, b) => (a === 'v2' ? 1 : b === 'v2' ? -1 : 0));
  const upstream: Record<string, unknown> = { url: probeUpstream(input.address) };
  if (input.caPem?.trim()) upstream.caBundle = base64EncodeText(base64EncodeText(input.caPem));
  const prefix = `${PROBE_PATH_PREFIX}/${input.id}`;
  return tags.map((tag) => {
    const name = probeObjectName(input.id, tag);
    return {
      action: 'create' as const,
      apiVersion: 'extensions.kubesphere.io/v1alpha1',
      kind: 'ReverseProxy',
      name,
      body: {
        apiVersion: 'extensions.kubesphere.io/v1alpha1',
        kind: 'ReverseProxy',
        metadata: {
          name,
          labels: { ...managedLabels(input.registryId), [COMPONENT_LABEL]: PROBE_COMPONENT, [PROBE_RUN_LABEL]: input.id },
        },
        spec: {
          matcher: { method: 'GET', path: probeRequestPath(input.id, tag) },
          upstream,
          directives: {
            stripPathPrefix: prefix,
            headerUp: ['-Authorization', '-Cookie'],
            headerDown: ['-Www-Authenticate', '-Set-Cookie'],
          },
        },
        // ks-apiserver serves a ReverseProxy only in state Available; the CRD has no status subresource, so
        // the create sets it (only ks-controller-manager would, and only for installed extensions' objects).
        status: { state: 'Available' },
      },
      reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_PROBE', params: { name } },
    };
  });
}

type ProxyLike = {
  metadata?: { name?: string; uid?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec?: { directives?: { headerUp?: string[] } };
};

/** A delete of one of our ReverseProxies, only of the very object read (uid precondition). */
export function probeDeleteWrite(p: ProxyLike | string): Write {
  const name = typeof p === 'string' ? p : p.metadata?.name ?? '';
  const uid = typeof p === 'string' ? undefined : p.metadata?.uid;
  return {
    action: 'delete',
    apiVersion: 'extensions.kubesphere.io/v1alpha1',
    kind: 'ReverseProxy',
    name,
    ...(uid ? { preconditions: { uid } } : {}),
    reason: { key: 'HARBOR_CONNECT_WIZARD_WHY_PROBE_DELETE', params: { name } },
  };
}

const isOurProbe = (p: ProxyLike) =>
  p.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && p.metadata?.labels?.[COMPONENT_LABEL] === PROBE_COMPONENT;

/**
 * Our probe ReverseProxies left behind (a closed tab, a failed delete): older than `afterMs`, not being deleted,
 * not of a run still in progress in this page. Deletes carry the uid read.
 */
export function probeLeftovers(proxies: ProxyLike[], now: number, options: { afterMs?: number; keepIds?: string[] } = {}): Write[] {
  const after = options.afterMs ?? PROBE_LEFTOVER_AFTER_MS;
  const keep = new Set(options.keepIds ?? []);
  return proxies
    .filter((p) => {
      if (!isOurProbe(p) || !p.metadata?.name || p.metadata.deletionTimestamp) return false;
      if (keep.has(p.metadata.labels?.[PROBE_RUN_LABEL] ?? '')) return false;
      const created = Date.parse(p.metadata.creationTimestamp ?? '');
      return Number.isNaN(created) || now - created > after;
    })
    .map(probeDeleteWrite);
}

/** Whether a ReverseProxy sends an Authorization header upstream (a credential outside any Secret). */
export function carriesCredential(p: ProxyLike): boolean {
  return (p.spec?.directives?.headerUp ?? []).some((h) => /^\+?\s*authorization\s+\S/i.test(h.trim()));
}

/** One answer through the probe. status 0: no HTTP answer at all. */
export interface ProbeAnswer {
  status: number;
  /** The body as text, cut to a few hundred characters. */
  body: string;
}

export type ReachState = 'ok' | 'x509' | 'unreachable' | 'not-routed' | 'error';

export interface Reachability {
  state: ReachState;
  /** The registry answered 401 (reachable, wants credentials) rather than 200. */
  wantsAuth?: boolean;
  detail?: string;
}

/** ks-apiserver's own 503 for a ReverseProxy that is not Available (an error value marshalled as {}). */
export function isNotAvailableAnswer(a: ProbeAnswer): boolean {
  return a.status === 503 && a.body.trim() === '{}';
}

/** An answer that came from ks-apiserver rather than the registry: worth asking again shortly after a create. */
export function isNotYetRouted(a: ProbeAnswer): boolean {
  return a.status === 404 || isNotAvailableAnswer(a);
}

/**
 * What the registry's /v2/ answer means. 200 or 401: reachable with this CA (every registry answers /v2/ so).
 * ks-apiserver answers 502 "Error while proxying request: <Go error>" when the upstream fails: x509 text means
 * the CA does not verify the registry's certificate.
 */
export function classifyV2(a: ProbeAnswer): Reachability {
  if (a.status === 200) return { state: 'ok' };
  if (a.status === 401) return { state: 'ok', wantsAuth: true };
  // Through a member cluster, KubeSphere's multi-cluster proxy replaces every 401 the member answers with its own
  // 511 Status (pkg/apiserver/filters/multicluster.go): on a ReverseProxy path that is the registry's 401.
  if (isMemberRelayed401(a)) return { state: 'ok', wantsAuth: true };
  if (isNotYetRouted(a)) return { state: 'not-routed', detail: `${a.status} ${a.body}`.trim() };
  const text = a.body;
  if (a.status === 502 || a.status === 503 || a.status === 504 || a.status === 0) {
    if (/x509|certificate|tls:/i.test(text)) return { state: 'x509', detail: text };
    return { state: 'unreachable', detail: text };
  }
  return { state: 'error', detail: `${a.status} ${text}`.trim() };
}

/** The 511 Status ks-apiserver's multi-cluster proxy answers in place of a member's 401. */
export function isMemberRelayed401(a: ProbeAnswer): boolean {
  return a.status === 511 && /"reason"\s*:\s*"Network Authentication Required"/.test(a.body);
}

/** Harbor answers its anonymous ping with "Pong"; any other registry has no /api/v2.0/ping. */
export function isHarborPing(a: ProbeAnswer | undefined): boolean {
  return !!a && a.status === 200 && /^"?pong"?$/i.test(a.body.trim());
}

/** Harbor's version from an anonymous /api/v2.0/systeminfo answer, when it gives one. */
export function harborVersion(a: ProbeAnswer | undefined): string | undefined {
  if (!a || a.status !== 200) return undefined;
  try {
    const v = (JSON.parse(a.body) as { harbor_version?: unknown }).harbor_version;
    return typeof v === 'string' && v ? v : undefined;
  } catch {
    return undefined;
  }
}
