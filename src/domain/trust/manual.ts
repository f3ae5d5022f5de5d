// Copyable per-runtime instructions for trusting a registry CA by hand (trust mode "manual", and for k3s/RKE2
// nodes, which the installer does not handle). Every path and command is complete: nothing to fill in
// except node names for the loop.
import { canonicalCaPem, CANONICAL_PEM_LINE } from '../cert/canonical';
import { registryHost, shQuote, type RegistryHost } from './host';
import { containerdMajor, RUNTIME_CERTS_DIRS, type NodeRuntime, type NodeRuntimeName } from './runtime';

export interface LocaleText {
  key: string;
  params?: Record<string, string | number>;
}

export interface ManualFile {
  path: string;
  content: string;
  mode: '0644';
}

export interface ManualRuntimeInstructions {
  runtime: Exclude<NodeRuntimeName, 'unknown'>;
  /** The files to have on every node of this runtime. */
  files: ManualFile[];
  /** POSIX sh for one node, run as root there: creates the folder and writes the files. Idempotent. */
  nodeScript: string;
  /** Restart needed after the files change; undefined when the runtime rereads them per pull. */
  restart?: string;
  /** Saves nodeScript and runs it on each listed node over ssh (then restarts when needed). */
  allNodesSnippet: string;
  /** Extra configuration a node may need once (containerd: config_path in config.toml). */
  snippets: Array<{ title: LocaleText; path: string; content: string }>;
  notes: LocaleText[];
}

export interface ManualTrustInput {
  /** `host[:port]`, e.g. the record's serverKey. */
  hostPort: string;
  caPem: string;
  /** Runtimes present (from nodeRuntime); 'unknown' adds a note and the containerd instructions. */
  runtimes: Array<NodeRuntimeName | NodeRuntime>;
  /** Node names for the ssh loop; placeholders when absent. */
  nodeNames?: string[];
}

export interface ManualTrustInstructions {
  hostDir: string;
  serverUrl: string;
  instructions: ManualRuntimeInstructions[];
  notes: LocaleText[];
}

/** The hosts.toml for one registry; the installer writes these exact bytes too, so either way reads the same. */
export function containerdHostsToml(host: RegistryHost): string {
  // `ca` is relative to this folder (containerd resolves it against the hosts dir since 1.5, the first
  // version with config_path), so the file stays right wherever the certs.d root is.
  // The top-level `ca` matters: `server` is a second endpoint containerd falls back to when the [host] answers
  // an error (e.g. 404 for a missing tag); without its own CA that fallback fails TLS and the user is told
  // `x509: certificate signed by unknown authority` instead of `not found` (seen with containerd 1.6.20).
  return [
    `server = "${host.serverUrl}"`,
    'ca = "ca.crt"',
    '',
    `[host."${host.serverUrl}"]`,
    '  capabilities = ["pull", "resolve"]',
    '  ca = "ca.crt"',
    '',
  ].join('\n');
}

const K3S_DIRS = { k3s: '/etc/rancher/k3s', rke2: '/etc/rancher/rke2' } as const;

/** registries.yaml block for k3s / RKE2: `configs."host:port".tls.ca_file`. */
export function rancherRegistriesYaml(host: RegistryHost, caFile: string): string {
  return ['configs:', `  "${host.hostDir}":`, '    tls:', `      ca_file: "${caFile}"`, ''].join('\n');
}

const DELIM = 'HC_EOF';
const SCRIPT_DELIM = 'HC_SCRIPT';

/** Thrown when the CA given is not only certificates (a key, text that does not parse, nothing at all). */
export class ManualTrustInputError extends Error {
  constructor(readonly reason: string) {
    super(`the CA cannot be written to nodes: ${reason}`);
    this.name = 'ManualTrustInputError';
  }
}

/** A heredoc body must never hold its delimiter as a line (it would end the document and run what follows). */
function heredocBody(text: string, delim: string): string {
  const body = text.replace(/\n$/, '');
  if (body.split('\n').some((line) => line === delim)) throw new ManualTrustInputError(`content holds the line ${delim}`);
  return body;
}

function writeFileCommands(file: ManualFile): string[] {
  return [`cat > ${shQuote(file.path)} <<'${DELIM}'`, heredocBody(file.content, DELIM), DELIM, `chmod ${file.mode} ${shQuote(file.path)}`];
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function certsDirFiles(certsRoot: string, host: RegistryHost, ca: string, withHostsToml: boolean): ManualFile[] {
  const dir = `${certsRoot}/${host.hostDir}`;
  const files: ManualFile[] = [{ path: `${dir}/ca.crt`, content: ca, mode: '0644' }];
  if (withHostsToml) files.push({ path: `${dir}/hosts.toml`, content: containerdHostsToml(host), mode: '0644' });
  return files;
}

function simpleNodeScript(files: ManualFile[]): string {
  const lines = ['set -e', `mkdir -p ${shQuote(dirOf(files[0].path))}`];
  for (const f of files) lines.push(...writeFileCommands(f));
  return `${lines.join('\n')}\n`;
}

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function allNodes(runtime: string, nodeScript: string, nodeNames: string[] | undefined, restart?: string): string {
  const names = (nodeNames ?? []).filter((n) => NODE_NAME.test(n));
  const list = names.length ? names.join(' ') : 'node-1 node-2 node-3';
  const file = `/tmp/harbor-connect-trust-${runtime}.sh`;
  const run = restart ? `sh -s < ${file} && ssh "root@$node" ${shQuote(restart)}` : `sh -s < ${file}`;
  return [
    `cat > ${file} <<'${SCRIPT_DELIM}'`,
    heredocBody(nodeScript, SCRIPT_DELIM),
    SCRIPT_DELIM,
    `for node in ${list}; do`,
    `  echo "== $node"`,
    `  ssh "root@$node" ${run} || echo "FAILED on $node"`,
    'done',
    '',
  ].join('\n');
}

function normalizeRuntimes(runtimes: ManualTrustInput['runtimes']): NodeRuntime[] {
  return runtimes.map((r) => (typeof r === 'string' ? { runtime: r, version: '', engineVersion: '' } : r));
}

function containerdConfigSnippets(runtimes: NodeRuntime[]): ManualRuntimeInstructions['snippets'] {
  const majors = new Set(runtimes.filter((r) => r.runtime === 'containerd').map((r) => containerdMajor(r)));
  const want1 = majors.has(1) || majors.has(undefined) || majors.size === 0;
  const want2 = [...majors].some((m) => m !== undefined && m >= 2) || majors.has(undefined) || majors.size === 0;
  const out: ManualRuntimeInstructions['snippets'] = [];
  const path = '/etc/containerd/config.toml';
  if (want1) {
    out.push({
      title: { key: 'HARBOR_CONNECT_TRUST_MANUAL_CONFIG_PATH_V1' },
      path,
      content: '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    });
  }
  if (want2) {
    out.push({
      title: { key: 'HARBOR_CONNECT_TRUST_MANUAL_CONFIG_PATH_V2' },
      path,
      content: '[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    });
  }
  return out;
}

/**
 * The manual steps. The CA written to nodes is ONLY the certificates parsed from `caPem`, re-encoded as PEM
 * (canonicalCaPem): whatever else the uploaded file held never reaches a command. Throws ManualTrustInputError
 * when `caPem` is not certificates alone.
 */
export function manualTrustInstructions(input: ManualTrustInput): ManualTrustInstructions {
  const host = registryHost(input.hostPort);
  const canonical = canonicalCaPem(input.caPem);
  if (!canonical.ok) throw new ManualTrustInputError(canonical.reason);
  const ca = canonical.pem;
  if (!ca.split('\n').filter(Boolean).every((line) => CANONICAL_PEM_LINE.test(line))) throw new ManualTrustInputError('not-a-certificate');
  const runtimes = normalizeRuntimes(input.runtimes);
  const names = new Set(runtimes.map((r) => r.runtime));
  const notes: LocaleText[] = [];
  if (names.has('unknown')) {
    notes.push({ key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_UNKNOWN_RUNTIME' });
    names.add('containerd');
  }
  if (host.port === 443) notes.push({ key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_PORT_443', params: { host: host.hostDir } });
  const out: ManualRuntimeInstructions[] = [];
  const p = { hostDir: host.hostDir };

  if (names.has('containerd')) {
    const files = certsDirFiles(RUNTIME_CERTS_DIRS.containerd, host, ca, true);
    const nodeScript = simpleNodeScript(files);
    out.push({
      runtime: 'containerd',
      files,
      nodeScript,
      allNodesSnippet: allNodes('containerd', nodeScript, input.nodeNames),
      snippets: containerdConfigSnippets(runtimes),
      notes: [
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_CONTAINERD_NO_RESTART', params: p },
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_CONTAINERD_CONFIG_PATH' },
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_CONTAINERD_MIRRORS' },
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_CA_RELATIVE' },
      ],
    });
  }
  for (const runtime of ['docker', 'cri-o'] as const) {
    if (!names.has(runtime)) continue;
    const files = certsDirFiles(RUNTIME_CERTS_DIRS[runtime], host, ca, false);
    const nodeScript = simpleNodeScript(files);
    out.push({
      runtime,
      files,
      nodeScript,
      allNodesSnippet: allNodes(runtime, nodeScript, input.nodeNames),
      snippets: [],
      notes: [{ key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_NO_RESTART', params: p }],
    });
  }
  for (const runtime of ['k3s', 'rke2'] as const) {
    if (!names.has(runtime)) continue;
    const base = K3S_DIRS[runtime];
    const caFile = `${base}/certs.d/${host.hostDir}/ca.crt`;
    const registries = `${base}/registries.yaml`;
    const block = rancherRegistriesYaml(host, caFile);
    const caEntry: ManualFile = { path: caFile, content: ca, mode: '0644' };
    const files: ManualFile[] = [caEntry, { path: registries, content: block, mode: '0644' }];
    // registries.yaml often holds other registries: create it when absent, never overwrite it.
    const nodeScript = [
      'set -e',
      `mkdir -p ${shQuote(dirOf(caFile))}`,
      ...writeFileCommands(caEntry),
      `if [ ! -s ${registries} ]; then`,
      `  cat > ${registries} <<'${DELIM}'`,
      heredocBody(block, DELIM),
      DELIM,
      `  chmod 0644 ${registries}`,
      `elif ! grep -qF ${shQuote(`"${host.hostDir}"`)} ${registries}; then`,
      `  echo "${registries} exists: add this under its configs: section, then restart" >&2`,
      `  sed -n '2,$p' <<'${DELIM}' >&2`,
      heredocBody(block, DELIM),
      DELIM,
      '  exit 1',
      'fi',
      '',
    ].join('\n');
    const restart =
      runtime === 'k3s'
        ? 'if systemctl is-active --quiet k3s; then systemctl restart k3s; else systemctl restart k3s-agent; fi'
        : 'if systemctl is-active --quiet rke2-server; then systemctl restart rke2-server; else systemctl restart rke2-agent; fi';
    out.push({
      runtime,
      files,
      nodeScript,
      restart,
      allNodesSnippet: allNodes(runtime, nodeScript, input.nodeNames, restart),
      snippets: [],
      notes: [
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_RANCHER_RESTART', params: { service: runtime === 'k3s' ? 'k3s / k3s-agent' : 'rke2-server / rke2-agent' } },
        { key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_RANCHER_MERGE', params: { path: registries } },
      ],
    });
  }
  notes.push({ key: 'HARBOR_CONNECT_TRUST_MANUAL_NOTE_IMAGE_HOST', params: p });
  return { hostDir: host.hostDir, serverUrl: host.serverUrl, instructions: out, notes };
}
