// Registry addresses as users type them, folded to the one key kubelet and the runtimes will match.

/**
 * Why an address was refused. Each code has a locale key HARBOR_CONNECT_REGISTRY_ERROR_<CODE>.
 * - `empty`: nothing but whitespace.
 * - `unsupported-scheme`: a scheme other than http:// or https:// (e.g. oci://, ftp://).
 * - `insecure-needs-consent`: http:// without `allowInsecure`; plain HTTP sends credentials in clear text.
 * - `has-credentials`: `user:pass@host`; credentials belong in the pull secret, never in the address.
 * - `has-query`: a `?query` or `#fragment`; a registry address has neither.
 * - `has-path`: `harbor.example.com/library` names a repository or project, not a registry;
 *   `suggestion` holds the registry part. (`/v1/` and `/v2/`, which docker and kubelet treat as the host, are accepted.)
 * - `ipv6-needs-brackets`: an IPv6 literal must be written `[fd00::1]` or `[fd00::1]:5000`.
 * - `invalid-port`: a port that is not a number from 1 to 65535.
 * - `invalid-host`: not an IPv4 address, a bracketed IPv6 address or a DNS name (letters, digits, '-', '.').
 */
export type RegistryAddressError =
  | 'empty'
  | 'unsupported-scheme'
  | 'insecure-needs-consent'
  | 'has-credentials'
  | 'has-query'
  | 'has-path'
  | 'ipv6-needs-brackets'
  | 'invalid-port'
  | 'invalid-host';

export interface RegistryAddress {
  /** Lowercase host without brackets or port: `harbor.example.com`, `10.0.0.5`, `fd00::1`; `docker.io` for Docker Hub. */
  host: string;
  /** Only a non-default port (443 for https, 80 for http) is kept. */
  port?: number;
  /** false only for an http:// address the user consented to. */
  secure: boolean;
  /** host[:port] as image references and containerd's certs.d folder name it (IPv6 in brackets). */
  authority: string;
  /**
   * The key in a dockerconfigjson `auths` map. Secure: `host[:port]` (what `kubectl create secret docker-registry`
   * writes). Insecure: `http://host[:port]`: kubelet strips the scheme when it builds its keyring, so both forms
   * match the same images, and the scheme keeps the intent visible to readers (KubeSphere's verify reads it).
   * Docker Hub: `https://index.docker.io/v1/`.
   */
  serverKey: string;
  displayName: string;
  isDockerHub: boolean;
  kind: 'dns' | 'ipv4' | 'ipv6';
}

export type NormalizeResult =
  | { ok: true; value: RegistryAddress }
  | { ok: false; error: RegistryAddressError; /** The registry part, when the input had extra parts. */ suggestion?: string; /** The refused part, e.g. the path. */ part?: string };

export interface NormalizeOptions {
  /** Accept http:// (the user explicitly consented to an insecure registry). */
  allowInsecure?: boolean;
}

export const DOCKER_HUB_SERVER_KEY = 'https://index.docker.io/v1/';
export const DOCKER_HUB_HOST = 'docker.io';
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com']);

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // No leading zeros: Go's net.ParseIP refuses them (they used to mean octal).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Parses an IPv6 literal (no brackets, no zone) into 8 groups, or null. Accepts an embedded IPv4 tail. */
export function parseIPv6(s: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return null;
  let tail: number[] = [];
  let head = s;
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIPv4(maybeV4);
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    head = s.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::", "a::1.2.3.4" leaves "a::", "a:b:...:1.2.3.4" leaves "...:" which needs a fix-up.
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return null;
  const parseGroups = (x: string): number[] | null => {
    if (x === '') return [];
    const gs = x.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(dbl[0]);
  if (!left) return null;
  if (dbl.length === 1) {
    const all = [...left, ...tail];
    return all.length === 8 ? all : null;
  }
  const right = parseGroups(dbl[1]);
  if (!right) return null;
  const missing = 8 - left.length - right.length - tail.length;
  if (missing < 1) return null;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}

/** Canonical RFC 5952 text of an IPv6 address (lowercase, longest zero run compressed). */
export function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function toAsciiHost(host: string): string | null {
  // IDN: the browser's URL parser applies UTS #46 and punycode; ASCII input is left alone.
  if (/^[\x21-\x7e]*$/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

function validDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  // All-numeric dotted names are IPv4 attempts, not DNS names ("10.0.0.256", "1.2.3").
  return !labels.every((l) => /^[0-9]+$/.test(l));
}

/**
 * Folds what a user types for a registry into one address: scheme, case, default port and trailing slashes
 * do not matter; a path, credentials or a query are refused with a code.
 */
export function normalizeRegistryAddress(input: string, options: NormalizeOptions = {}): NormalizeResult {
  let rest = (input ?? '').trim();
  if (rest === '') return { ok: false, error: 'empty' };

  let scheme: 'https' | 'http' | undefined;
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest);
  if (schemeMatch) {
    const s = schemeMatch[1].toLowerCase();
    if (s !== 'http' && s !== 'https') return { ok: false, error: 'unsupported-scheme', part: schemeMatch[1] };
    scheme = s;
    rest = rest.slice(schemeMatch[0].length);
  }
  const secure = scheme !== 'http';

  // Split the authority from whatever follows it.
  const end = rest.search(/[/?#]/);
  const authorityRaw = end < 0 ? rest : rest.slice(0, end);
  const tail = end < 0 ? '' : rest.slice(end);

  const at = authorityRaw.lastIndexOf('@');
  const authorityNoCreds = at >= 0 ? authorityRaw.slice(at + 1) : authorityRaw;

  const parsed = parseAuthority(authorityNoCreds);
  if (!parsed.ok) {
    // Credentials in an address are the bigger problem: say so even when the rest is wrong too.
    if (at >= 0) return { ok: false, error: 'has-credentials' };
    return { ok: false, error: parsed.error, part: authorityNoCreds };
  }

  let { host, port } = parsed;
  const { kind } = parsed;
  if (port !== undefined && ((secure && port === 443) || (!secure && port === 80))) port = undefined;

  const dockerHub = secure && port === undefined && DOCKER_HUB_NAMES.has(host);
  if (dockerHub) host = DOCKER_HUB_HOST;
  const bracketed = kind === 'ipv6' ? `[${host}]` : host;
  const authority = port === undefined ? bracketed : `${bracketed}:${port}`;
  const suggestion = (secure ? '' : 'http://') + authority;

  if (at >= 0) return { ok: false, error: 'has-credentials', suggestion };
  const q = tail.search(/[?#]/);
  if (q >= 0) return { ok: false, error: 'has-query', suggestion, part: tail.slice(q) };
  const path = tail.replace(/\/+$/, '');
  if (path !== '' && !/^\/+v[12]$/.test(path)) return { ok: false, error: 'has-path', suggestion, part: path };

  if (!secure && !options.allowInsecure) return { ok: false, error: 'insecure-needs-consent', suggestion };

  const serverKey = dockerHub ? DOCKER_HUB_SERVER_KEY : secure ? authority : `http://${authority}`;
  return {
    ok: true,
    value: {
      host,
      ...(port !== undefined ? { port } : {}),
      secure,
      authority,
      serverKey,
      displayName: dockerHub ? 'Docker Hub' : serverKey,
      isDockerHub: dockerHub,
      kind,
    },
  };
}

type AuthorityResult =
  | { ok: true; host: string; port?: number; kind: 'dns' | 'ipv4' | 'ipv6' }
  | { ok: false; error: 'invalid-host' | 'invalid-port' | 'ipv6-needs-brackets' | 'empty' };

/** A port from 1 to 65535 written in decimal digits only, or null. The one port parser. */
export function parsePort(p: string): number | null {
  if (!/^[0-9]{1,5}$/.test(p)) return null;
  const n = Number(p);
  return n >= 1 && n <= 65535 ? n : null;
}

/**
 * The one host:port splitter (no scheme, path or userinfo left): `[v6]` or `[v6]:port` (bracketed), a bare IPv6
 * literal (two colons or more: no port), or `host[:port]`. Undefined for a bracket left open or text after it.
 * The callers decide what a host may be (parseAuthority here, Go's rules in cert/host.ts, node paths in trust/host.ts).
 */
export function splitHostPort(a: string): { host: string; portText?: string; bracketed: boolean } | undefined {
  if (a.startsWith('[')) {
    const close = a.indexOf(']');
    if (close < 0) return undefined;
    const after = a.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    return { host: a.slice(1, close), ...(after ? { portText: after.slice(1) } : {}), bracketed: true };
  }
  const colons = a.split(':').length - 1;
  if (colons === 1) {
    const i = a.indexOf(':');
    return { host: a.slice(0, i), portText: a.slice(i + 1), bracketed: false };
  }
  return { host: a, bracketed: false };
}

export function parseAuthority(a: string): AuthorityResult {
  if (a === '') return { ok: false, error: 'invalid-host' };
  const split = splitHostPort(a);
  if (!split) return { ok: false, error: 'invalid-host' };
  const groups = split.bracketed ? parseIPv6(split.host) : undefined;
  if (split.bracketed && !groups) return { ok: false, error: 'invalid-host' };
  let port: number | undefined;
  if (split.portText !== undefined) {
    const p = parsePort(split.portText);
    if (p === null) return { ok: false, error: 'invalid-port' };
    port = p;
  }
  if (groups) return { ok: true, host: formatIPv6(groups), port, kind: 'ipv6' };
  if (split.host.includes(':')) return parseIPv6(split.host) ? { ok: false, error: 'ipv6-needs-brackets' } : { ok: false, error: 'invalid-host' };
  let host = split.host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1); // a fully-qualified trailing dot never appears in image names
  const ascii = toAsciiHost(host);
  if (ascii === null) return { ok: false, error: 'invalid-host' };
  host = ascii.toLowerCase();
  if (parseIPv4(host)) return { ok: true, host, port, kind: 'ipv4' };
  if (!validDnsName(host)) return { ok: false, error: 'invalid-host' };
  return { ok: true, host, port, kind: 'dns' };
}
