// The three checks the credentials step runs before anything is written to a project:
// (a) KubeSphere's verify endpoint (the credential, in the request body only), (b) a credential-free CA-aware
// probe through short-lived ReverseProxies, (c) a pull test pod on a node (the credential in a temporary Secret).
// Each returns a result the UI turns into a sentence.
import type { Event as CoreV1Event, Pod } from 'kubernetes-types/core/v1';
import {
  ApiError,
  events,
  executeWrite,
  kubesphereRoutePath,
  pods,
  request,
  secrets,
  deleteOnPageHide,
  runRegistryProbe,
  type ClusterContext,
} from '../../api';
import { classifyV2, harborVersion, isHarborPing, type ProbePathTag } from '../../domain/registry/probe';
import { buildPullSecret } from '../../domain/dockerconfig';
import type { RegistryAddress } from '../../domain/registry';
import { newPullTestRunId, planCredentialPullTest, pullTestOutcomes, pullTestSecretLabels, pullTestSecretName } from '../../domain/pulltest';
import type { Write } from '../../domain/plan/write';
import { SECRET_UNAVAILABLE_REASON } from '../../domain/diagnosis';
import { sleep } from '../../domain/async';
import { activePullTestRuns, deleteWithRetry } from '../pulltest/engine';
import type { ProbeResult, PullTestOutcome, VerifyResult, VerifyState } from '../../domain/wizard/results';

export type { ProbeResult, PullTestOutcome, VerifyResult, VerifyState };


function classifyText(text: string): VerifyState {
  if (/x509|certificate|tls:/i.test(text)) return 'x509';
  if (/401|unauthorized|authentication required|denied/i.test(text)) return 'unauthorized';
  if (/dial tcp|connection refused|no such host|timeout|i\/o/i.test(text)) return 'unreachable';
  return 'error';
}

/** (a) POST …/registrysecrets/{name}/verify with the whole Secret (never stored: the path's name is ignored). */
export async function verifyWithKubeSphere(
  cluster: ClusterContext,
  input: { namespace: string; address: RegistryAddress; username: string; password: string; email?: string },
): Promise<VerifyResult> {
  // ks-apiserver parses the auths key as a URL: `host:port` without a scheme fails to parse (KubeSphere's form
  // writes `https://host`), so the verify body uses the scheme-qualified key.
  const server = input.address.secure ? { ...input.address, serverKey: `https://${input.address.authority}` } : input.address;
  const body = buildPullSecret({
    server,
    username: input.username,
    password: input.password,
    email: input.email || undefined,
    name: 'harbor-connect-verify',
    namespace: input.namespace,
    registryId: 'verify',
  });
  try {
    await request('POST', kubesphereRoutePath('resources.verifyRegistrySecret', { namespace: input.namespace, secret: 'harbor-connect-verify' }, cluster), {
      body,
      timeout: 30_000,
    });
    return { state: 'ok' };
  } catch (e) {
    const err = ApiError.from(e);
    if (err.kind !== 'http') return { state: 'unreachable', detail: err.message };
    if (err.code === 403) return { state: 'error', detail: err.message };
    return { state: classifyText(err.message), detail: err.message };
  }
}

/** The paths the wizard asks: Harbor's anonymous ping and system info, then /v2/. */
export const WIZARD_PROBE_PATHS: ProbePathTag[] = ['ping', 'systeminfo', 'v2'];

/**
 * (b) A credential-free probe through short-lived ReverseProxies (src/api/probe.ts): the registry's /v2/ answer
 * with this CA (401 still proves reachability and TLS) and whether it is Harbor. The credentials are proven by
 * (a) and (c), never through a ReverseProxy.
 */
export async function probeRegistry(
  cluster: ClusterContext,
  input: { registryId: string; address: RegistryAddress; caPem?: string; id?: string },
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const run = await runRegistryProbe(cluster, { registryId: input.registryId, address: input.address, caPem: input.caPem, paths: WIZARD_PROBE_PATHS }, { signal, id: input.id });
  const cleanupFailures = run.cleanupFailures.map((f) => ({ name: f.name, message: ApiError.from(f.error).message }));
  const extra = cleanupFailures.length ? { cleanupFailures } : {};
  if (run.error) return { state: 'error', detail: ApiError.from(run.error).message, ...extra };
  const v2 = run.answers.v2;
  if (!v2) return { state: 'error', ...extra };
  const r = classifyV2(v2);
  if (r.state !== 'ok') return { state: r.state, detail: r.detail?.slice(0, 500), ...extra };
  const harbor = isHarborPing(run.answers.ping);
  return {
    state: 'ok',
    wantsAuth: r.wantsAuth,
    kind: harbor ? 'harbor' : 'oci',
    ...(harbor && harborVersion(run.answers.systeminfo) ? { harborVersion: harborVersion(run.answers.systeminfo) } : {}),
    ...extra,
  };
}




/** What a pull test pulls with: credentials (put in a temporary Secret), or a pull secret that exists in the project. */
export type PullTestCredentials = { username: string; password: string } | { secretName: string };

export interface PullTestRunInput {
  namespace: string;
  address: RegistryAddress;
  image: string;
  registryId: string;
  timeoutMs?: number;
  /** The run id (newPullTestRunId), when its pod was shown before the run (planCredentialPullTest). */
  runId?: string;
}

/**
 * (c) One pull-test pod in the project the user chose, pulling with a temporary pull secret made from the
 * credentials (or with a pull secret the project already has), watched until the image is pulled or the pull
 * failed, then deleted with the temporary Secret (uid preconditions, each retried; what still fails is reported).
 * Both carry the pull-test labels: a closed tab's leftovers are deleted on pagehide and, failing that, by
 * removePullTestLeftovers on the next visit. An existing pull secret is never touched.
 */
export async function runPullTest(cluster: ClusterContext, input: PullTestRunInput & PullTestCredentials, signal?: AbortSignal): Promise<PullTestOutcome> {
  if (!input.namespace) return { state: 'error', message: 'no project chosen' };
  const runId = input.runId ?? newPullTestRunId(Date.now());
  const podWrite = planCredentialPullTest({ ...input, runId, secretName: 'secretName' in input ? input.secretName : undefined });
  const deadline = Date.now() + (input.timeoutMs ?? 90_000);
  const created: Write[] = [];
  const untrack: Array<() => void> = [];
  const track = (w: Write, res: unknown) => {
    const uid = (res as { metadata?: { uid?: string } } | undefined)?.metadata?.uid;
    created.push({ action: 'delete', apiVersion: 'v1', kind: w.kind, namespace: w.namespace, name: w.name, ...(uid ? { preconditions: { uid } } : {}) });
    const client = w.kind === 'Pod' ? pods : secrets;
    untrack.push(deleteOnPageHide(client.path(cluster, { namespace: w.namespace, name: w.name }), uid ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } } : undefined));
  };
  activePullTestRuns.add(runId);
  let outcome: PullTestOutcome = { state: 'timeout' };
  try {
    if (!('secretName' in input)) {
      const name = pullTestSecretName(runId);
      const secret = buildPullSecret({ server: input.address, username: input.username, password: input.password, name, namespace: input.namespace, registryId: input.registryId });
      (secret.metadata as { labels: Record<string, string> }).labels = pullTestSecretLabels(input.registryId, runId);
      const secretWrite: Write = { action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: input.namespace, name, body: secret };
      track(secretWrite, await executeWrite(secretWrite, cluster, { signal }));
    }
    track(podWrite, await executeWrite(podWrite, cluster, { signal }));
    while (Date.now() < deadline && !signal?.aborted) {
      await sleep(1500, signal);
      const pod = (await pods.get(cluster, podWrite.name, { namespace: input.namespace, signal })) as Pod;
      const evs = (await events
        .list(cluster, { namespace: input.namespace, fieldSelector: `involvedObject.name=${podWrite.name}`, signal })
        .catch(() => ({ items: [] }))) as { items: CoreV1Event[] };
      const [{ result: r, diagnosis }] = pullTestOutcomes([pod], evs.items, false);
      if (r.state === 'pending') {
        // Kubelet could not read the pull secret and backs off before retrying: the verdict if it never can.
        if (r.reason === SECRET_UNAVAILABLE_REASON) {
          outcome = { state: 'failed', diagnosis: pullTestOutcomes([pod], evs.items, true)[0].diagnosis, message: r.message, node: pod.spec?.nodeName };
        }
        continue;
      }
      outcome = { state: r.state, diagnosis, message: r.message, node: pod.spec?.nodeName };
      break;
    }
  } catch (e) {
    outcome = { state: 'error', message: ApiError.from(e).message };
  } finally {
    // The pod first (it uses the Secret), then the Secret.
    const failures = await deleteWithRetry(cluster, [...created].reverse());
    // The pod and the Secret share the run's name: tell them apart by kind.
    const failed = new Set(failures.map((f) => `${f.kind}/${f.name}`));
    created.forEach((w, i) => {
      if (!failed.has(`${w.kind}/${w.name}`)) untrack[i]?.();
    });
    activePullTestRuns.delete(runId);
    if (failures.length) outcome = { ...outcome, cleanupFailures: failures.map(({ name, message }) => ({ name, message })) };
  }
  return outcome;
}

