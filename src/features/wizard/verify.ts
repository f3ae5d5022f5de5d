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
  isNotFound,
  runRegistryProbe,
  type ClusterContext,
} from '../../api';
import { classifyV2, harborVersion, isHarborPing, type ProbePathTag } from '../../domain/registry/probe';
import { buildPullSecret } from '../../domain/dockerconfig';
import type { RegistryAddress } from '../../domain/registry';
import { COMPONENT_LABEL } from '../../domain/record';
import { newPullTestRunId, planPullTest, pullTestResult } from '../../domain/pulltest';
import { diagnosePull, type PullDiagnosis } from '../../domain/diagnosis';

export type CheckState = 'ok' | 'unauthorized' | 'x509' | 'unreachable' | 'not-routed' | 'error';

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

export interface ProbeResult extends CheckResult {
  /** 'harbor' when Harbor's anonymous /api/v2.0/ping answered, 'oci' for any other registry; undefined when unknown. */
  kind?: 'harbor' | 'oci';
  harborVersion?: string;
  /** The registry answered /v2/ with 401: reachable, and it asks for credentials. */
  wantsAuth?: boolean;
  /** Probe objects that could not be deleted (reported, retried on request, removed on the next visit). */
  cleanupFailures?: Array<{ name: string; message: string }>;
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
