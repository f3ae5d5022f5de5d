// Why did a pod's image pull fail? Read from the pod's container statuses and the kubelet's events.

import type { ContainerStatus, Event } from 'kubernetes-types/core/v1';
import { imageRegistryHost } from '../registry';
import { classifyPullError, imageInMessage, isInformativeFailure, endpointOf } from './classify';
import type { PullCause, PullFailureCause } from './classify';

export { classifyPullError, imageInMessage, isInformativeFailure, endpointOf, PULL_CAUSES } from './classify';
export type { PullCause, PullFailureCause, Classification } from './classify';

/** Locale keys of a cause: HARBOR_CONNECT_DIAG_<CAUSE>_TITLE and _FIX (e.g. HARBOR_CONNECT_DIAG_UNKNOWN_AUTHORITY_FIX). */
export function causeKeys(cause: PullCause): { titleKey: string; fixKey: string } {
  const c = cause.toUpperCase().replace(/-/g, '_');
  return { titleKey: `HARBOR_CONNECT_DIAG_${c}_TITLE`, fixKey: `HARBOR_CONNECT_DIAG_${c}_FIX` };
}

/** A core/v1 Event as read, or the parts of it this module reads. */
export type PullEvent = Partial<Pick<Event, 'reason' | 'message' | 'type' | 'count' | 'lastTimestamp' | 'firstTimestamp' | 'eventTime' | 'source' | 'involvedObject' | 'metadata' | 'series' | 'reportingInstance' | 'reportingComponent'>>;

export interface PullDiagnosis {
  cause: PullCause;
  titleKey: string;
  fixKey: string;
  /** Params for the title and fix texts; `host` is always set (the image's registry, else the failing endpoint). */
  detail: Record<string, string>;
  node?: string;
  image?: string;
  container?: string;
  /** kubelet's reason: ErrImagePull, ImagePullBackOff, ... */
  reason?: string;
  /** The raw message the cause was read from, always kept so the user can read it. */
  message?: string;
  alsoPossible?: PullFailureCause[];
  /** When the failure was last seen, and how many times (from the event). */
  lastSeen?: string;
  count?: number;
}

export interface DiagnoseInput {
  containerStatuses?: readonly ContainerStatus[] | null;
  initContainerStatuses?: readonly ContainerStatus[] | null;
  events?: readonly PullEvent[] | null;
  /** pod.spec.nodeName, used when no event names the node. */
  nodeName?: string;
}

const PULL_FAILURE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ImageInspectError', 'ErrImageNeverPull', 'RegistryUnavailable', 'InvalidImageName']);
const PENDING_REASONS = new Set(['ContainerCreating', 'PodInitializing']);
const PULL_EVENT_REASONS = new Set(['Pulling', 'Pulled', 'Failed', 'BackOff', 'InspectFailed', 'ErrImageNeverPull', 'ErrImagePull', 'ImagePullBackOff']);

export function eventTime(e: PullEvent): string {
  return (
    e.lastTimestamp ||
    (e.series as { lastObservedTime?: string } | undefined)?.lastObservedTime ||
    (e.eventTime as string | undefined) ||
    e.firstTimestamp ||
    e.metadata?.creationTimestamp ||
    ''
  );
}

function timeMs(e: PullEvent): number {
  const t = Date.parse(eventTime(e));
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The order in which the API server last wrote two events: their resourceVersions, where both are the decimal
 * etcd revisions kube-apiserver hands out (opaque by contract, so anything else compares equal).
 */
function writeOrder(a: PullEvent, b: PullEvent): number {
  const ra = a.metadata?.resourceVersion;
  const rb = b.metadata?.resourceVersion;
  if (!ra || !rb || !/^\d+$/.test(ra) || !/^\d+$/.test(rb)) return 0;
  return ra.length - rb.length || (ra < rb ? -1 : ra > rb ? 1 : 0);
}

/** `a` was last written after `b`: a later time, or the same second and a later write (unknown order: false). */
export function writtenAfter(a: PullEvent, b: PullEvent): boolean {
  return timeMs(a) > timeMs(b) || (timeMs(a) === timeMs(b) && writeOrder(a, b) > 0);
}

/**
 * Most recent first. Event times have one-second resolution and a kubelet reports "Pulling" and "Failed" in the
 * same second: the later write wins the tie, then the one seen more often.
 */
export function sortEvents<T extends PullEvent>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => timeMs(b) - timeMs(a) || writeOrder(b, a) || (b.count ?? 1) - (a.count ?? 1));
}

function eventNode(e: PullEvent): string | undefined {
  return e.source?.host || (e.reportingComponent === 'kubelet' ? e.reportingInstance : undefined) || undefined;
}

function isPullEvent(e: PullEvent): boolean {
  if (!PULL_EVENT_REASONS.has(e.reason ?? '')) return false;
  const msg = e.message ?? '';
  // "Failed"/"BackOff" are also used for container start failures; keep only the image ones.
  if (e.reason === 'Failed' || e.reason === 'BackOff') {
    return /image|ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName/i.test(msg);
  }
  return true;
}

function isPulledMessage(e: PullEvent): boolean {
  return e.reason === 'Pulled';
}

function containerOfEvent(e: PullEvent): string | undefined {
  const m = /spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/.exec(e.involvedObject?.fieldPath ?? '');
  return m ? m[1] : undefined;
}

function hostOf(image: string | undefined, message: string | undefined): string {
  if (image) return imageRegistryHost(image);
  const ep = message ? endpointOf(message) : undefined;
  return ep ?? '';
}

function build(
  cause: PullCause,
  fields: Omit<PullDiagnosis, 'cause' | 'titleKey' | 'fixKey' | 'detail'> & { detail?: Record<string, string> },
): PullDiagnosis {
  const host = hostOf(fields.image, fields.message);
  const detail: Record<string, string> = { host, ...(fields.node ? { node: fields.node } : {}), ...(fields.image ? { image: fields.image } : {}), ...(fields.detail ?? {}) };
  if (!detail.host) detail.host = host;
  const out: PullDiagnosis = { cause, ...causeKeys(cause), detail };
  for (const [k, v] of Object.entries(fields)) {
    if (k !== 'detail' && v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** kubelet's Warning when it cannot read a pod's pull secret: the attempt that follows pulls without it. */
export const SECRET_UNAVAILABLE_REASON = 'FailedToRetrieveImagePullSecret';
// A retry runs in one pod sync, its "Pulling" a moment after the secret read; back-off retries are ≥ 10 s apart.
const SAME_ATTEMPT_MS = 2000;

/**
 * The pull secrets the kubelet could not read for the pod's latest pull attempt, or undefined when that attempt
 * had them. kubelet reads pull secrets through a cache that can trail a Secret created a moment before the pod
 * ("failed to sync secret cache: timed out"); it then pulls without credentials and the registry answers
 * "unauthorized", which would wrongly blame the credential. The next attempt (after kubelet's back-off) has it.
 */
export function pullSecretUnavailable(events: readonly PullEvent[] | null | undefined): { names: string; message: string } | undefined {
  const all = events ?? [];
  const secret = sortEvents(all.filter((e) => e.reason === SECRET_UNAVAILABLE_REASON))[0];
  if (!secret) return undefined;
  const pulling = sortEvents(all.filter((e) => e.reason === 'Pulling'))[0];
  // The first attempt also creates the pod sandbox between the secret read and "Pulling" (seconds on a loaded
  // node), so any secret failure before it is its own. A retry reuses the sandbox: only a failure within the same
  // sync is the retry's; an older one belongs to an attempt before it.
  const retried = (pulling?.count ?? 1) > 1;
  if (pulling && retried && timeMs(secret) < timeMs(pulling) - SAME_ATTEMPT_MS) return undefined;
  const message = secret.message ?? '';
  const names = /pull secrets \(([^)]*)\)/.exec(message)?.[1] ?? '';
  return { names, message };
}

/** The registry refused the credential sent (or none was sent): the causes a missing pull secret also produces. */
export function isCredentialRefusal(cause: PullCause): boolean {
  return cause === 'unauthorized' || cause === 'denied';
}

/** A credential-shaped failure of an attempt that had no credential to send is the secret's fault, not the registry's. */
function secretUnavailableInstead(cause: PullCause, events: readonly PullEvent[] | null | undefined): { names: string; message: string } | undefined {
  return isCredentialRefusal(cause) ? pullSecretUnavailable(events) : undefined;
}

type StatusState = 'failed' | 'ok' | 'pending';

function statusState(s: ContainerStatus): StatusState {
  const waiting = s.state?.waiting;
  if (waiting?.reason && PULL_FAILURE_REASONS.has(waiting.reason)) return 'failed';
  if (s.state?.running || s.state?.terminated) return 'ok';
  // An imageID means the runtime has the image (e.g. CrashLoopBackOff, CreateContainerConfigError).
  if (s.imageID) return 'ok';
  if (waiting?.reason && !PENDING_REASONS.has(waiting.reason)) return 'ok';
  return 'pending';
}

function matchesContainer(e: PullEvent, status: ContainerStatus): boolean {
  const c = containerOfEvent(e);
  if (c) return c === status.name;
  const img = imageInMessage(e.message ?? '');
  return !img || img === status.image;
}

/**
 * The cause of a pod's pull failure, `ok` once its images are present, or `pending` while still pulling.
 * Uses the most recent informative failure (event time, then count); an unrecognised message gives `unknown`
 * with the message kept.
 */
export function diagnosePull(input: DiagnoseInput): PullDiagnosis {
  const statuses = [...(input.initContainerStatuses ?? []), ...(input.containerStatuses ?? [])];
  const events = sortEvents((input.events ?? []).filter(isPullEvent));
  const failing = statuses.filter((s) => statusState(s) === 'failed');

  if (failing.length > 0) {
    for (const status of failing) {
      const waiting = status.state!.waiting!;
      const relevant = events.filter((e) => matchesContainer(e, status));
      const failure = relevant.find((e) => e.type !== 'Normal' && e.reason !== 'Pulling' && e.reason !== 'Pulled' && isInformativeFailure(e.message ?? ''));
      const statusMessage = waiting.message && isInformativeFailure(waiting.message) ? waiting.message : undefined;
      const message = failure?.message ?? statusMessage ?? waiting.message ?? undefined;
      const classified = classifyPullError(message ?? '');
      // With several failing containers, report the first one whose cause is known.
      if (classified.cause === 'unknown' && status !== failing[failing.length - 1]) continue;
      const node = (failure && eventNode(failure)) || relevant.map(eventNode).find(Boolean) || input.nodeName;
      const secret = secretUnavailableInstead(classified.cause, input.events);
      if (secret) {
        return build('pull-secret-unavailable', { node, image: status.image, container: status.name, reason: waiting.reason, message: `${secret.message}\n${message ?? ''}`.trim(), detail: { secrets: secret.names } });
      }
      return build(classified.cause, {
        node,
        image: status.image || (message ? imageInMessage(message) : undefined),
        container: status.name,
        reason: waiting.reason,
        message,
        detail: classified.detail,
        alsoPossible: classified.alsoPossible,
        lastSeen: failure ? eventTime(failure) || undefined : undefined,
        count: failure?.count,
      });
    }
  }

  if (statuses.length > 0) {
    const states = statuses.map(statusState);
    const node = events.map(eventNode).find(Boolean) || input.nodeName;
    if (states.every((s) => s === 'ok')) return build('ok', { node, image: statuses[0].image });
    // The kubelet reports a failed pull as an event before its next status sync: a container still "waiting" with
    // a Failed pull event after its last Pulling is a failed pull (seen on real kubelets, a second or more apart).
    const latest = events[0];
    if (!latest || latest.reason === 'Pulling' || isPulledMessage(latest)) {
      const p = statuses[states.indexOf('pending')];
      return build('pending', { node, image: p.image, container: p.name, reason: p.state?.waiting?.reason });
    }
  }
  return diagnoseFromEvents(events, input.nodeName, input.events);
}

/** The most recent pull event decides: no container status (only events given), or a status that trails them. */
function diagnoseFromEvents(events: PullEvent[], nodeName: string | undefined, allEvents: readonly PullEvent[] | null | undefined): PullDiagnosis {
  const latest = events[0];
  if (!latest) return build('pending', { node: nodeName });
  const node = eventNode(latest) || nodeName;
  if (isPulledMessage(latest)) return build('ok', { node, image: imageInMessage(latest.message ?? ''), container: containerOfEvent(latest) });
  if (latest.reason === 'Pulling') return build('pending', { node, image: imageInMessage(latest.message ?? ''), container: containerOfEvent(latest) });
  const failure = events.find((e) => e.reason !== 'Pulling' && e.reason !== 'Pulled' && isInformativeFailure(e.message ?? '')) ?? latest;
  const message = failure.message ?? '';
  const classified = classifyPullError(message);
  const secret = secretUnavailableInstead(classified.cause, allEvents);
  if (secret) {
    return build('pull-secret-unavailable', { node: eventNode(failure) || node, image: imageInMessage(message), reason: failure.reason, message: `${secret.message}\n${message}`, detail: { secrets: secret.names } });
  }
  return build(classified.cause, {
    node: eventNode(failure) || node,
    image: imageInMessage(message),
    container: containerOfEvent(failure),
    reason: failure.reason,
    message,
    detail: classified.detail,
    alsoPossible: classified.alsoPossible,
    lastSeen: eventTime(failure) || undefined,
    count: failure.count,
  });
}

// ---------- health panel ----------

export interface FailureGroup {
  cause: PullFailureCause;
  titleKey: string;
  fixKey: string;
  /** Sum of event counts. */
  count: number;
  /** "namespace/name" of the pods involved. */
  pods: string[];
  nodes: string[];
  images: string[];
  hosts: string[];
  lastSeen: string;
  /** The most recent message of the group, raw. */
  sample: string;
  detail: Record<string, string>;
}

/**
 * Recent pull failures across pods, grouped by cause (most frequent first). Only events that carry an error
 * count: the summaries kubelet also emits ("Error: ErrImagePull", "Back-off pulling image") would count twice.
 */
export function groupFailures(events: readonly PullEvent[], options: { since?: string | Date } = {}): FailureGroup[] {
  const since = options.since === undefined ? undefined : new Date(options.since).getTime();
  const groups = new Map<PullFailureCause, FailureGroup & { lastMs: number }>();
  for (const e of sortEvents(events)) {
    if (!isPullEvent(e) || e.reason === 'Pulling' || e.reason === 'Pulled' || e.type === 'Normal') continue;
    const message = e.message ?? '';
    if (!isInformativeFailure(message)) continue;
    const ms = timeMs(e);
    if (since !== undefined && ms < since) continue;
    const c = classifyPullError(message);
    const image = imageInMessage(message);
    let g = groups.get(c.cause);
    if (!g) {
      g = { cause: c.cause, ...causeKeys(c.cause), count: 0, pods: [], nodes: [], images: [], hosts: [], lastSeen: eventTime(e), lastMs: ms, sample: message, detail: c.detail };
      groups.set(c.cause, g);
    }
    g.count += e.count ?? 1;
    const add = (list: string[], v: string | undefined) => {
      if (v && !list.includes(v)) list.push(v);
    };
    const io = e.involvedObject;
    if (io?.name) add(g.pods, io.namespace ? `${io.namespace}/${io.name}` : io.name);
    add(g.nodes, eventNode(e));
    add(g.images, image);
    add(g.hosts, image ? imageRegistryHost(image) : endpointOf(message));
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastMs - a.lastMs)
    .map(({ lastMs, ...g }) => {
      void lastMs;
      return g;
    });
}
