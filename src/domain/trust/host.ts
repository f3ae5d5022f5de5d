// The registry's host as node runtimes look it up: the folder name under certs.d and the key in
// registries.yaml. Runtimes take the host exactly as written in the image reference, so `:443` (HTTPS's
// default) is left out: images are referenced as `harbor.example.com/lib/app`, never `…:443/lib/app`.

export interface RegistryHost {
  /** Host name or IP, lower case; an IPv6 address without brackets. */
  host: string;
  port?: number;
  ipv6: boolean;
  /** `host`, `host:port`, `[v6]` or `[v6]:port`: the certs.d folder name and the image reference host. */
  hostDir: string;
  /** `https://<hostDir>`: containerd's hosts.toml server. */
  serverUrl: string;
}

import { parseIPv6, parsePort, splitHostPort } from '../registry/address';

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Parses `host[:port]` (a serverKey; a leading scheme and a trailing path are tolerated). Throws on anything
 * that is not a plain host, since the result ends up in file paths and shell commands.
 */
export function registryHost(hostPort: string): RegistryHost {
  let rest = hostPort.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  rest = rest.split('/')[0];
  const split = splitHostPort(rest);
  const host = split?.host ?? '';
  const ipv6 = !!split && (split.bracketed || host.includes(':'));
  if (!split || (ipv6 ? !parseIPv6(host) : !HOSTNAME.test(host) || host.length > 253)) {
    throw new Error(`not a registry host: ${JSON.stringify(hostPort)}`);
  }
  let port: number | undefined;
  if (split.portText !== undefined) {
    const p = parsePort(split.portText);
    if (p === null) throw new Error(`not a port: ${JSON.stringify(hostPort)}`);
    port = p;
  }
  const shown = ipv6 ? `[${host}]` : host;
  const hostDir = port === undefined || port === 443 ? shown : `${shown}:${port}`;
  return { host, port, ipv6, hostDir, serverUrl: `https://${hostDir}` };
}

/** Quotes a word for POSIX sh (single quotes; IPv6 brackets would otherwise be a glob). */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
