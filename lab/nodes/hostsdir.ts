// The per-pull hosts dir handed to `ctr --hosts-dir`.
//
// Why this exists: containerd 1.6 (remotes/docker/config/hosts.go) treats a loopback registry host specially:
// when no hosts.toml `server` names it, it talks plain HTTP with TLS verification off. Real nodes never reach a
// Harbor through 127.0.0.1, and the lab's registries live on 127.0.0.1, so without this step every lab pull would
// hit HTTP (400 Bad Request) and no CA would ever matter. For a loopback host we therefore hand containerd a
// scratch copy of the node's folder for that host, rewritten to what containerd does for a non-loopback host:
//  - hosts.toml with a [host] table but no `server`: the same file with `server = "https://<host>"` added;
//  - no hosts.toml, or one without a [host] table (1.6 rejects those with "invalid `host` tree" and falls back
//    to the Docker certificate-file pattern): a hosts.toml listing the folder's *.crt as CAs and *.cert/*.key as
//    client pairs, for both the [host] entry and the server entry;
//  - no folder: a hosts.toml naming the https server with no extra CA (system roots only).
// Files are symlinked, so relative paths in the user's hosts.toml keep working. Non-loopback hosts use the
// node's certs.d folder as is.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function isLoopbackHost(hostport: string): boolean {
  let host = hostport;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(hostport);
  if (bracket) host = bracket[1];
  else if (/:\d+$/.test(hostport) && hostport.split(':').length === 2) host = hostport.slice(0, hostport.lastIndexOf(':'));
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** containerd's lookup order for a host's folder: "host_port_" style, then "host:port", then "_default". */
export function hostDirCandidates(certsDir: string, hostport: string): string[] {
  const i = hostport.lastIndexOf(':');
  const underscored = i > 0 ? `${hostport.slice(0, i)}_${hostport.slice(i + 1)}_` : hostport;
  const out = underscored !== hostport ? [join(certsDir, underscored)] : [];
  out.push(join(certsDir, hostport), join(certsDir, '_default'));
  return out;
}

export function findHostDir(certsDir: string, hostport: string): string | undefined {
  return hostDirCandidates(certsDir, hostport).find((p) => existsSync(p) && statSync(p).isDirectory());
}

const q = (s: string) => JSON.stringify(s);

export interface PreparedHostsDir {
  /** What to pass to --hosts-dir. */
  hostsDir: string;
  /** Maps paths in containerd's messages back to the node's own folder. */
  mapMessage(text: string): string;
  cleanup(): void;
}

export function prepareHostsDir(certsDir: string, hostport: string, scratchRoot: string): PreparedHostsDir {
  if (!isLoopbackHost(hostport)) {
    return { hostsDir: certsDir, mapMessage: (t) => t, cleanup: () => undefined };
  }
  mkdirSync(scratchRoot, { recursive: true });
  const scratch = mkdtempSync(join(scratchRoot, 'hosts-'));
  const target = join(scratch, hostport);
  mkdirSync(target, { recursive: true });
  const source = findHostDir(certsDir, hostport);
  const server = `https://${hostport}`;
  let toml: string;
  if (source) {
    for (const name of readdirSync(source)) {
      if (name !== 'hosts.toml') symlinkSync(join(source, name), join(target, name));
    }
  }
  const existing = source && existsSync(join(source, 'hosts.toml')) ? readFileSync(join(source, 'hosts.toml'), 'utf8') : '';
  if (existing.trim() && /^\s*\[host\b/m.test(existing)) {
    toml = /^\s*server\s*=/m.test(existing) ? existing : `server = ${q(server)}\n${existing}`;
  } else {
    const files = source ? readdirSync(source).sort() : [];
    const cas = files.filter((f) => f.endsWith('.crt')).map((f) => join(source!, f));
    const pairs = files
      .filter((f) => f.endsWith('.cert'))
      .map((f) => [join(source!, f), join(source!, f.replace(/\.cert$/, '.key'))])
      .filter(([, key]) => existsSync(key));
    const lines: string[] = [];
    if (cas.length) lines.push(`ca = [${cas.map(q).join(', ')}]`);
    if (pairs.length) lines.push(`client = [${pairs.map((p) => `[${p.map(q).join(', ')}]`).join(', ')}]`);
    toml = [`server = ${q(server)}`, ...lines, '', `[host.${q(server)}]`, ...lines.map((l) => `  ${l}`), ''].join('\n');
  }
  writeFileSync(join(target, 'hosts.toml'), toml);
  return {
    hostsDir: scratch,
    mapMessage: (text) => (source ? text.split(target).join(source) : text).split(`${scratch}/`).join(`${certsDir}/`),
    cleanup: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
