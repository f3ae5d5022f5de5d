// The three checks the credentials step runs before anything is written to a project:
// (a) KubeSphere's verify endpoint (the credential, in the request body only), (b) a credential-free CA-aware
// probe through short-lived ReverseProxies, (c) a pull test pod on a node (the credential in a temporary Secret).
// Each returns a result the UI turns into a sentence.
import { ApiError, kubesphereRoutePath, request, runRegistryProbe, type ClusterContext } from '../../api';
import { classifyV2, harborVersion, isHarborPing, type ProbePathTag } from '../../domain/registry/probe';
import { buildPullSecret } from '../../domain/dockerconfig';
import type { RegistryAddress } from '../../domain/registry';
import { newPullTestRunId, planCredentialPullTest } from '../../domain/pulltest';
import { runPullTestPods, type PullTestRun } from '../pulltest/run';
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
 * credentials (or with a pull secret the project already has), run by the one pull-test engine
 * (runPullTestPods, src/features/pulltest/run.ts): followed until the image is pulled or the pull failed, then
 * deleted with the temporary Secret (uid preconditions, each retried; what still fails is reported). Both carry
 * the pull-test labels: a closed tab's leftovers are deleted on pagehide and, failing that, by
 * removePullTestLeftovers on the next visit. An existing pull secret is never touched.
 */
export async function runPullTest(cluster: ClusterContext, input: PullTestRunInput & PullTestCredentials, signal?: AbortSignal): Promise<PullTestOutcome> {
  if (!input.namespace) return { state: 'error', message: 'no project chosen' };
  const runId = input.runId ?? newPullTestRunId(Date.now());
  const pod = planCredentialPullTest({ ...input, runId, secretName: 'secretName' in input ? input.secretName : undefined });
  const run = await runPullTestPods(
    cluster,
    {
      namespace: input.namespace,
      registryId: input.registryId,
      runId,
      pods: [pod],
      ...('secretName' in input ? {} : { credentials: { server: input.address, username: input.username, password: input.password } }),
      timeLimitMs: input.timeoutMs ?? 90_000,
      pollMs: 1500,
    },
    { signal },
  );
  const outcome = onePodVerdict(run, pod.name);
  return run.cleanupFailures.length ? { ...outcome, cleanupFailures: run.cleanupFailures.map(({ name, message }) => ({ name, message })) } : outcome;
}

/**
 * The credential check's verdict on its one pod: what it settled on; at the time limit, the pull kubelet made
 * without the pull secret it could not read (the verdict if it never can), else "timeout".
 */
function onePodVerdict(run: PullTestRun, podName: string): PullTestOutcome {
  if (run.end === 'error' || run.end === 'aborted') return { state: 'error', message: ApiError.from(run.error).message };
  const o = run.end === 'settled' ? run.outcomes[0] : run.secretUnavailable[podName];
  if (!o) return { state: 'timeout' };
  return { state: o.result.state === 'pulled' ? 'pulled' : 'failed', diagnosis: o.diagnosis, message: o.result.message, node: o.result.node };
}
