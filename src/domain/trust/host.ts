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

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^[0-9a-f:.]+$/;

/**
 * Parses `host[:port]` (a serverKey; a leading scheme and a trailing path are tolerated). Throws on anything
 * that is not a plain host, since the result ends up in file paths and shell commands.
 */
export function registryHost(hostPort: string): RegistryHost {
  let rest = hostPort.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  rest = rest.split('/')[0];
  let host: string;
  let portText: string | undefined;
  let ipv6 = false;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
    ipv6 = true;
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest;
    ipv6 = true;
  } else {
    const [h, p] = rest.split(':');
    host = h;
    portText = rest.includes(':') ? p : undefined;
  }
  if (ipv6 ? !IPV6.test(host) || !host.includes(':') : !HOSTNAME.test(host) || host.length > 253) {
    throw new Error(`not a registry host: ${JSON.stringify(hostPort)}`);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`not a port: ${JSON.stringify(hostPort)}`);
    }
    port = Number(portText);
  }
  const shown = ipv6 ? `[${host}]` : host;
  const hostDir = port === undefined || port === 443 ? shown : `${shown}:${port}`;
  return { host, port, ipv6, hostDir, serverUrl: `https://${hostDir}` };
}

/** Quotes a word for POSIX sh (single quotes; IPv6 brackets would otherwise be a glob). */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
