// kubelet's event and status wording (pkg/kubelet/images/image_manager.go, kuberuntime, events), as kubelet v1.32
// writes it (the lab's Nodes report kubeletVersion v1.32.4).

/** Go's time.Duration.String() for a millisecond-truncated duration: "523ms", "1.234s", "1m2.5s". */
export function goDuration(ms: number): string {
  ms = Math.max(0, Math.trunc(ms));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sMs = ms % 60_000;
  const s = (sMs / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

export const msg = {
  pulling: (image: string) => `Pulling image "${image}"`,
  pulled: (image: string, pullMs: number, totalMs: number, size: number) =>
    `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(totalMs)} including waiting). Image size: ${size} bytes.`,
  alreadyPresent: (image: string) => `Container image "${image}" already present on machine`,
  neverPull: (image: string) => `Container image "${image}" is not present with pull policy of Never`,
  failedPull: (image: string, err: string) => `Failed to pull image "${image}": ${err}`,
  backOffPull: (image: string) => `Back-off pulling image "${image}"`,
  error: (reason: string) => `Error: ${reason}`,
  created: (container: string) => `Created container: ${container}`,
  started: (container: string) => `Started container ${container}`,
  killing: (container: string) => `Stopping container ${container}`,
  backOffRestart: (container: string, pod: string, ns: string, uid: string) =>
    `Back-off restarting failed container ${container} in pod ${pod}_${ns}(${uid})`,
  invalidImage: (image: string, err: string) => `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${err}`,
  scheduled: (ns: string, pod: string, node: string) => `Successfully assigned ${ns}/${pod} to ${node}`,
  deadline: 'Pod was active on the node longer than the specified deadline',
  missingPullSecrets: (names: string[]) =>
    `Unable to retrieve some image pull secrets (${names.join(', ')}); attempting to pull the image may not succeed.`,
  readinessFailed: (output: string) => `Readiness probe failed: ${output}`,
};

/**
 * What the CRI path would return to kubelet for a failed pull, from containerd's own text:
 * CRI wraps client.Pull's error as `failed to pull and unpack image "<normalized ref>": <err>` and gRPC turns it
 * into `rpc error: code = <Code> desc = <text>`, Code NotFound for errdefs.ErrNotFound, else Unknown.
 */
export function criPullError(normalizedRef: string, containerdText: string): { code: 'NotFound' | 'Unknown'; message: string } {
  const text = containerdText.replace(/^ctr: /, '').trim();
  const notFound = /: not found$/.test(text) && !/failed to do request/.test(text);
  const code = notFound ? 'NotFound' : 'Unknown';
  return { code, message: `rpc error: code = ${code} desc = failed to pull and unpack image "${normalizedRef}": ${text}` };
}

/** utilerrors.NewAggregate(...).Error(): one error as is, several deduplicated in brackets. */
export function aggregate(errors: string[]): string {
  const seen: string[] = [];
  for (const e of errors) if (!seen.includes(e)) seen.push(e);
  if (seen.length <= 1) return seen[0] ?? '';
  return `[${seen.join(', ')}]`;
}
