// The lab's network identity. Registries and nodes meet at LAB_IP, an address on a bridge of its own (hc-lab0):
// not loopback, because containerd treats a loopback registry as plain HTTP unless a hosts.toml says otherwise,
// which would hide the very x509 failure the extension exists to fix. The registry's name, harbor.lab.local,
// resolves to it through the hosts file that nodes and the KubeSphere gateway see as their /etc/hosts (each runs
// in a mount namespace of its own): the machine's /etc/hosts is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const LAB_BRIDGE = 'hc-lab0';
export const LAB_IP = process.env.HC_LAB_IP || '10.222.0.1';
export const REGISTRY_HOSTNAME = 'harbor.lab.local';

function ip(args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** Creates hc-lab0 with LAB_IP/32 when missing (idempotent; needs root, like the kubelets). */
export function ensureLabAddress(): void {
  if (ip(['-4', 'addr', 'show', 'dev', LAB_BRIDGE]).out.includes(`inet ${LAB_IP}/`)) return;
  if (!ip(['link', 'show', 'dev', LAB_BRIDGE]).ok) {
    const made = ip(['link', 'add', LAB_BRIDGE, 'type', 'bridge']);
    if (!made.ok) throw new Error(`cannot create the lab bridge ${LAB_BRIDGE} (ip link add, needs root): ${made.out}`);
  }
  const addr = ip(['addr', 'replace', `${LAB_IP}/32`, 'dev', LAB_BRIDGE]);
  if (!addr.ok) throw new Error(`cannot give ${LAB_BRIDGE} the address ${LAB_IP}: ${addr.out}`);
  const up = ip(['link', 'set', LAB_BRIDGE, 'up']);
  if (!up.ok) throw new Error(`cannot bring ${LAB_BRIDGE} up: ${up.out}`);
}

/** The machine's hosts file plus the lab's names; written to `path` for the namespaces that use it. */
export function writeLabHosts(path: string): void {
  const base = existsSync('/etc/hosts') ? readFileSync('/etc/hosts', 'utf8') : '127.0.0.1 localhost\n';
  const lines = base.split('\n').filter(line => !line.includes(REGISTRY_HOSTNAME));
  writeFileSync(path, `${lines.join('\n').trimEnd()}\n# Harbor Connect lab\n${LAB_IP} ${REGISTRY_HOSTNAME}\n`);
}

/**
 * argv that runs `command args…` with `hostsFile` as its /etc/hosts, in a private mount namespace
 * (util-linux unshare + mount; the machine's own /etc/hosts stays as it is).
 */
export function withLabHosts(hostsFile: string, command: string, args: string[]): { command: string; args: string[] } {
  return {
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$1" /etc/hosts && shift && exec "$@"', 'lab-hosts', hostsFile, command, ...args],
  };
}
