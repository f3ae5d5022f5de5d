// The three checks the credentials step runs before anything is written to a project:
// (a) KubeSphere's verify endpoint, (b) a CA-aware probe through a short-lived ReverseProxy,
// (c) a pull test pod on a node. Each returns a result the UI turns into a sentence.
import type { Event as CoreV1Event, Pod } from 'kubernetes-types/core/v1';
import {
  ApiError,
  events,
  executeWrite,
  kapisPath,
  pods,
  request,
  secrets,
  isNotFound,
  reverseProxyPath,
  type ClusterContext,
} from '../../api';
import { buildPullSecret } from '../../domain/dockerconfig';
import type { RegistryAddress } from '../../domain/registry';
import { COMPONENT_LABEL } from '../../domain/record';
import { newPullTestRunId, planPullTest, pullTestResult } from '../../domain/pulltest';
import { diagnosePull, type PullDiagnosis } from '../../domain/diagnosis';
import { planProbeProxy, probeProxyDelete, probePathPrefix, type ProbeProxyInput } from './plan';

export type CheckState = 'ok' | 'unauthorized' | 'x509' | 'unreachable' | 'error';

export interface CheckResult {
  state: CheckState;
  /** Raw detail from the server, shown as is. */
  detail?: string;
}

function classifyText(text: string): CheckState {
  if (/x509|certificate|tls:/i.test(text)) return 'x509';
  if (/401|unauthorized|authentication required|denied/i.test(text)) return 'unauthorized';
  if (/dial tcp|connection refused|no such host|timeout|i\/o/i.test(text)) return 'unreachable';
  return 'error';
}

/** (a) POST …/registrysecrets/{name}/verify with the whole Secret (never stored: the path's name is ignored). */
export async function verifyWithKubeSphere(
  cluster: ClusterContext,
  input: { namespace: string; address: RegistryAddress; username: string; password: string; email?: string },
): Promise<CheckResult> {
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
    await request('POST', kapisPath(cluster, 'resources.kubesphere.io', 'v1alpha3', 'namespaces', input.namespace, 'registrysecrets', 'harbor-connect-verify', 'verify'), {
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

export interface ProbeResult extends CheckResult {
  /** 'harbor' when /api/v2.0/systeminfo answered like Harbor, 'oci' otherwise; undefined when unknown. */
  kind?: 'harbor' | 'oci';
  harborVersion?: string;
  status?: number;
}

async function rawGet(path: string, signal?: AbortSignal, timeoutMs = 20_000): Promise<{ status: number; text: string }> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  signal?.addEventListener('abort', () => ctl.abort());
  try {
    const res = await fetch(path, { method: 'GET', credentials: 'same-origin', headers: { 'x-ignore-error-notify': 'true' }, signal: ctl.signal });
    return { status: res.status, text: await res.text().catch(() => '') };
  } catch (e) {
    if (ctl.signal.aborted && !signal?.aborted) return { status: 504, text: 'timeout: no answer from the registry through the proxy' };
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * (b) Creates the probe ReverseProxy (the write the user was shown), GETs /v2/ and /api/v2.0/systeminfo through it,
 * and deletes it again whatever happened, so the credentials it carried do not stay in the cluster.
 */
export async function runProbe(cluster: ClusterContext, input: ProbeProxyInput, signal?: AbortSignal): Promise<ProbeResult> {
  const write = planProbeProxy(input);
  const prefix = probePathPrefix(write.name);
  try {
    try {
      await executeWrite(write, cluster, { signal });
    } catch (e) {
      // Left over from an earlier probe: replace it with this one's credentials.
      if (ApiError.from(e).reason !== 'AlreadyExists') throw e;
      await executeWrite(probeProxyDelete(write.name), cluster, { signal });
      await executeWrite(write, cluster, { signal });
    }
    const base = reverseProxyPath(cluster, prefix);
    const v2 = await rawGet(`${base}/v2/`, signal);
    let result: ProbeResult;
    if (v2.status === 200) result = { state: 'ok', status: 200 };
    else if (v2.status === 401) result = { state: 'unauthorized', status: 401, detail: v2.text.slice(0, 300) };
    else if (v2.status === 502 || v2.status === 503) result = { state: classifyText(v2.text) === 'x509' ? 'x509' : 'unreachable', status: v2.status, detail: v2.text.slice(0, 500) };
    else result = { state: 'error', status: v2.status, detail: v2.text.slice(0, 300) };
    if (result.state === 'ok' || result.state === 'unauthorized') {
      const info = await rawGet(`${base}/api/v2.0/systeminfo`, signal).catch(() => undefined);
      if (info && info.status === 200) {
        try {
          const j = JSON.parse(info.text) as { harbor_version?: string };
          result.kind = j && typeof j === 'object' && 'harbor_version' in j ? 'harbor' : 'oci';
          if (j.harbor_version) result.harborVersion = j.harbor_version;
        } catch {
          result.kind = 'oci';
        }
      } else if (info) result.kind = 'oci';
    }
    return result;
  } catch (e) {
    const err = ApiError.from(e);
    return { state: 'error', detail: err.message };
  } finally {
    await executeWrite(probeProxyDelete(write.name), cluster).catch(() => undefined);
  }
}

export interface PullTestOutcome {
  state: 'pulled' | 'failed' | 'timeout' | 'error';
  diagnosis?: PullDiagnosis;
  message?: string;
  node?: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * (c) A temporary pull secret and one pull-test pod in `namespace`, watched until the image is pulled or the
 * pull failed, then both deleted.
 */
export async function runPullTest(
  cluster: ClusterContext,
  input: { namespace: string; address: RegistryAddress; username: string; password: string; image: string; registryId: string; timeoutMs?: number },
  signal?: AbortSignal,
): Promise<PullTestOutcome> {
  const runId = newPullTestRunId(Date.now());
  const secretName = `hc-pulltest-${runId}`;
  const secret = buildPullSecret({
    server: input.address,
    username: input.username,
    password: input.password,
    name: secretName,
    namespace: input.namespace,
    registryId: input.registryId,
  });
  (secret.metadata as { labels: Record<string, string> }).labels[COMPONENT_LABEL] = 'pull-test';
  const [podWrite] = planPullTest({ namespace: input.namespace, image: input.image, secretName, nodes: 'any', runId, registryId: input.registryId, deadlineSeconds: 90 });
  const deadline = Date.now() + (input.timeoutMs ?? 90_000);
  try {
    await executeWrite({ action: 'create', apiVersion: 'v1', kind: 'Secret', namespace: input.namespace, name: secretName, body: secret }, cluster, { signal });
    await executeWrite(podWrite, cluster, { signal });
    while (Date.now() < deadline && !signal?.aborted) {
      await sleep(1500, signal);
      const pod = (await pods.get(cluster, podWrite.name, { namespace: input.namespace, signal })) as Pod;
      const evs = (await events
        .list(cluster, { namespace: input.namespace, fieldSelector: `involvedObject.name=${podWrite.name}`, signal })
        .catch(() => ({ items: [] }))) as { items: CoreV1Event[] };
      const r = pullTestResult(pod, evs.items);
      if (r.state === 'pending') continue;
      const diagnosis = diagnosePull({ containerStatuses: pod.status?.containerStatuses, events: evs.items, nodeName: pod.spec?.nodeName });
      return { state: r.state, diagnosis, message: r.message, node: pod.spec?.nodeName };
    }
    return { state: 'timeout' };
  } catch (e) {
    return { state: 'error', message: ApiError.from(e).message };
  } finally {
    await pods.delete(cluster, podWrite.name, { namespace: input.namespace }).catch((e) => (isNotFound(e) ? undefined : undefined));
    await secrets.delete(cluster, secretName, { namespace: input.namespace }).catch(() => undefined);
  }
}
