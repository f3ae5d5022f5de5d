// Runs a registry probe (src/domain/registry/probe.ts): creates the run's ReverseProxies, asks each path once
// through ks-apiserver's /proxy (the /v2/ one again for up to ~5 s while ks-apiserver's informer has not seen the
// new objects yet: 404, or 503 with body {}), then deletes them whatever happened. A failed delete is retried and,
// if it still fails, reported; objects of a closed tab are deleted on `pagehide` and, failing that, found by
// label on the next visit (removeProbeLeftovers).
import { http } from './client';
import type { ClusterContext } from './cluster';
import { deleteOnPageHide } from './ephemeral';
import { ApiError } from './errors';
import type { ReverseProxy } from './models';
import { reverseProxyPath } from './paths';
import { reverseProxies } from './resources/reverseproxies';
import { deleteWrites, executeWrite } from './write';
import {
  carriesCredential,
  isNotYetRouted,
  newProbeId,
  planProbe,
  probeLeftovers,
  probeRequestPath,
  PROBE_COMPONENT,
  type ProbeAnswer,
  type ProbePathTag,
  type ProbePlanInput,
} from '../domain/registry/probe';
import { managedSelector } from '../domain/plan/labels';
import { COMPONENT_LABEL } from '../domain/record';
import type { Write } from '../domain/plan/write';
import { sleep } from '../domain/async';

export const ROUTE_BUDGET_MS = 5_000;
export const PROBE_TIMEOUT_MS = 8_000;


/** Probe runs in progress in this page: never taken for leftovers. */
const active = new Set<string>();

export interface ProbeRunOptions {
  signal?: AbortSignal;
  /** How long /v2/ is asked again while ks-apiserver has not picked up the new ReverseProxy. */
  routeBudgetMs?: number;
  timeoutMs?: number;
  /** For tests: the run id and the clock's sleep. */
  id?: string;
  wait?: (ms: number) => Promise<void>;
}

export interface CleanupFailure {
  name: string;
  error: unknown;
}

export interface ProbeRun {
  id: string;
  /** The creates shown to the user, as sent. */
  writes: Write[];
  answers: Partial<Record<ProbePathTag, ProbeAnswer>>;
  /** Creating the probe failed (e.g. 403: only platform administrators may create ReverseProxies). */
  error?: unknown;
  /** Probe objects that could not be deleted after retries (they are removed on the next visit). */
  cleanupFailures: CleanupFailure[];
}

/** One GET through the probe: any HTTP answer is an answer; no answer at all is status 0. */
export async function probeGet(path: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ProbeAnswer> {
  try {
    const res = await http().request<string>({
      method: 'GET',
      url: path,
      responseType: 'text',
      validateStatus: () => true,
      timeout: opts.timeoutMs ?? PROBE_TIMEOUT_MS,
      signal: opts.signal,
      headers: { Accept: 'application/json, text/plain, */*' },
    });
    return { status: res.status, body: String(res.data ?? '').slice(0, 500) };
  } catch (e) {
    const err = ApiError.from(e, { method: 'GET', path });
    if (err.kind === 'canceled') throw err;
    return { status: 0, body: err.kind === 'timeout' ? `timeout: no answer within ${Math.round((opts.timeoutMs ?? PROBE_TIMEOUT_MS) / 1000)} s` : err.message };
  }
}

/** Deletes the given probe objects, each retried (./write.ts deleteWrites); returns those that could not be deleted. */
export async function deleteProbeObjects(cluster: ClusterContext, writes: Write[], wait: (ms: number) => Promise<void> = sleep): Promise<CleanupFailure[]> {
  const failures = await deleteWrites(cluster, writes, { wait });
  return failures.map((f) => ({ name: f.write.name, error: f.error }));
}

/** Creates, asks and deletes one probe run. Never rejects except when cancelled before anything was created. */
export async function runRegistryProbe(cluster: ClusterContext, input: Omit<ProbePlanInput, 'id'>, opts: ProbeRunOptions = {}): Promise<ProbeRun> {
  const id = opts.id ?? newProbeId();
  const wait = opts.wait ?? sleep;
  const writes = planProbe({ ...input, id });
  const created: Write[] = [];
  const untrack: Array<() => void> = [];
  const run: ProbeRun = { id, writes, answers: {}, cleanupFailures: [] };
  active.add(id);
  try {
    for (const w of writes) {
      // A random name cannot be taken: AlreadyExists is an error like any other, nothing else is touched.
      const res = (await executeWrite(w, cluster, { signal: opts.signal })) as ReverseProxy | undefined;
      const uid = res?.metadata?.uid;
      const del: Write = { action: 'delete', apiVersion: w.apiVersion, kind: w.kind, name: w.name, ...(uid ? { preconditions: { uid } } : {}) };
      created.push(del);
      untrack.push(
        deleteOnPageHide(reverseProxies.path(cluster, { name: w.name }), uid ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } } : undefined),
      );
    }
    const tags = writes.map((w) => tagOf(w, id));
    // /v2/ first (created last: once it is routed, the others are too), the others only when the registry
    // answered it: the objects live a few seconds, not one timeout per path.
    for (const tag of [...tags].reverse()) {
      const path = reverseProxyPath(cluster, probeRequestPath(id, tag));
      let answer = await probeGet(path, { signal: opts.signal, timeoutMs: opts.timeoutMs });
      if (tag === 'v2') {
        const budget = opts.routeBudgetMs ?? ROUTE_BUDGET_MS;
        let waited = 0;
        for (let step = 250; isNotYetRouted(answer) && waited < budget && !opts.signal?.aborted; step = Math.min(step * 2, 1000)) {
          await wait(step);
          waited += step;
          answer = await probeGet(path, { signal: opts.signal, timeoutMs: opts.timeoutMs });
        }
        run.answers[tag] = answer;
        if (answer.status !== 200 && answer.status !== 401) break;
        continue;
      }
      run.answers[tag] = answer;
    }
  } catch (e) {
    if (ApiError.from(e).kind === 'canceled' && created.length === 0) {
      active.delete(id);
      throw e;
    }
    run.error = e;
  } finally {
    run.cleanupFailures = await deleteProbeObjects(cluster, created, wait);
    const failed = new Set(run.cleanupFailures.map((f) => f.name));
    // Keep the pagehide delete for what could not be deleted yet; drop it for the rest.
    created.forEach((w, i) => {
      if (!failed.has(w.name)) untrack[i]?.();
    });
    active.delete(id);
  }
  return run;
}

function tagOf(w: Write, id: string): ProbePathTag {
  return w.name.slice(`hc-probe-${id}-`.length) as ProbePathTag;
}

/** Our probe ReverseProxies in the cluster (every registry, or one), for leftovers and the credential check. */
export async function listProbeObjects(cluster: ClusterContext, registryId?: string, signal?: AbortSignal): Promise<ReverseProxy[]> {
  const list = await reverseProxies.list(cluster, { labelSelector: `${managedSelector(registryId)},${COMPONENT_LABEL}=${PROBE_COMPONENT}`, signal });
  return list.items;
}

export interface LeftoverCleanup {
  removed: string[];
  failures: CleanupFailure[];
  /** ReverseProxies of ours that send an Authorization header upstream (older versions' probes). */
  withCredentials: string[];
}

/**
 * Deletes probe objects left by closed tabs or failed deletes (older than PROBE_LEFTOVER_AFTER_MS, not of a run
 * in progress here). Probes carrying a credential are deleted whatever their age.
 */
export async function removeProbeLeftovers(cluster: ClusterContext, opts: { registryId?: string; signal?: AbortSignal; now?: number } = {}): Promise<LeftoverCleanup> {
  const items = await listProbeObjects(cluster, opts.registryId, opts.signal);
  const withCredentials = items.filter(carriesCredential).map((p) => p.metadata?.name ?? '');
  const old = probeLeftovers(items, opts.now ?? Date.now(), { keepIds: [...active] });
  const leaking = probeLeftovers(items.filter(carriesCredential), opts.now ?? Date.now(), { afterMs: -1, keepIds: [...active] });
  const writes = [...new Map([...old, ...leaking].map((w) => [w.name, w])).values()];
  const failures = await deleteProbeObjects(cluster, writes);
  const failed = new Set(failures.map((f) => f.name));
  return { removed: writes.map((w) => w.name).filter((n) => !failed.has(n)), failures, withCredentials };
}
