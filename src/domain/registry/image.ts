// Image references as Docker parses them, and credential keys as kubelet's keyring matches them
// (kubernetes pkg/credentialprovider/keyring.go: BasicDockerKeyring.Add / Lookup / URLsMatch).

export interface ImageReference {
  /** Registry host[:port] exactly as the reference names it; `docker.io` when it names none. */
  domain: string;
  /** Repository path without tag or digest; `library/` added for Docker Hub's official images. */
  path: string;
  tag?: string;
  digest?: string;
  /** `domain/path`: what kubelet looks credentials up with (reference.ParseNormalizedNamed(...).Name()). */
  name: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

/** Splits an image reference like distribution/reference's splitDockerDomain does. */
export function parseImageReference(image: string): ImageReference {
  let s = (image ?? '').trim();
  let digest: string | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    s = s.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = s.lastIndexOf('/');
  const lastColon = s.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = s.slice(lastColon + 1);
    s = s.slice(0, lastColon);
  }
  const i = s.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i >= 0 ? s.slice(0, i) : '';
  // The first component is a registry only if it has a '.' or ':', is "localhost", or has uppercase letters
  // (repository paths are lowercase, so an uppercase first component can only be a host).
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = s;
  } else {
    domain = first;
    remainder = s.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, path: remainder, tag, digest, name: `${domain}/${remainder}` };
}

/** The registry host[:port] an image is pulled from: `busybox` → `docker.io`, `localhost:5000/x` → `localhost:5000`. */
export function imageRegistryHost(image: string): string {
  return parseImageReference(image).domain;
}

interface SchemelessUrl {
  host: string;
  path: string;
}

// url.Parse("https://" + s) with the scheme cleared, reduced to what the matcher reads.
function parseSchemeless(s: string): SchemelessUrl {
  const i = s.search(/[/?#]/);
  const host = i < 0 ? s : s.slice(0, i);
  let path = i < 0 ? '' : s.slice(i);
  const q = path.search(/[?#]/);
  if (q >= 0) path = path.slice(0, q);
  const at = host.lastIndexOf('@');
  return { host: at >= 0 ? host.slice(at + 1) : host, path };
}

// net.SplitHostPort then strings.Split(host, "."): a host without a port keeps the whole text.
function splitUrl(u: SchemelessUrl): { parts: string[]; port: string } {
  const h = u.host;
  let host = h;
  let port = '';
  if (h.startsWith('[')) {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(h);
    if (m) {
      host = m[1];
      port = m[2];
    }
  } else {
    const c = h.lastIndexOf(':');
    if (c >= 0 && h.indexOf(':') === c) {
      host = h.slice(0, c);
      port = h.slice(c + 1);
    }
  }
  return { parts: host.split('.'), port };
}

/** Go's path/filepath.Match for one host label (no '/' can occur in it). Malformed patterns never match. */
export function globMatch(pattern: string, name: string): boolean {
  const rx = globToRegExp(pattern);
  return rx !== null && rx.test(name);
}

function globToRegExp(pattern: string): RegExp | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return null;
      out += escapeRx(pattern[i]);
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return null;
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') return null;
      out += `[${negate ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = close;
    } else out += escapeRx(c);
  }
  try {
    return new RegExp(`^${out}$`);
  } catch {
    return null;
  }
}

function escapeRx(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The key kubelet stores a dockerconfig entry under: scheme dropped, `/v1/` and `/v2/` treated as the host. */
export function kubeletKeyFor(serverKey: string): string {
  let value = serverKey;
  if (!value.startsWith('https://') && !value.startsWith('http://')) value = `https://${value}`;
  const u = parseSchemeless(value.replace(/^https?:\/\//, ''));
  let effectivePath = u.path;
  if (effectivePath.startsWith('/v2/') || effectivePath.startsWith('/v1/')) effectivePath = effectivePath.slice(3);
  return effectivePath.length > 0 && effectivePath !== '/' ? u.host + effectivePath : u.host;
}

function urlsMatch(globKey: string, target: string): boolean {
  const g = parseSchemeless(globKey);
  const t = parseSchemeless(target);
  const gs = splitUrl(g);
  const ts = splitUrl(t);
  if (gs.port !== ts.port) return false;
  if (gs.parts.length !== ts.parts.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return gs.parts.every((p, i) => globMatch(p, ts.parts[i]));
}

function isDefaultRegistryMatch(name: string): boolean {
  const parts = name.split('/');
  if (parts[0].length === 0) return false;
  if (parts.length === 1) return true;
  if (parts[0] === 'docker.io' || parts[0] === 'index.docker.io') return true;
  return !/[.:]/.test(parts[0]);
}

/**
 * Whether kubelet would offer the credential stored under `serverKey` when pulling `image`:
 * host labels and port compared exactly (case-sensitive, `*` globs one label), scheme ignored, a key path must
 * be a prefix of the repository path; Docker Hub keys (`https://index.docker.io/v1/`) serve Docker Hub images.
 * (Kubelet uses the Docker Hub fallback only when no other key matched; for one key that is the same answer.)
 */
export function credentialMatchesImage(serverKey: string, image: string): boolean {
  const key = kubeletKeyFor(serverKey);
  const name = parseImageReference(image).name;
  if (urlsMatch(key, name)) return true;
  return key === 'index.docker.io' && isDefaultRegistryMatch(name);
}

/**
 * Whether kubelet would use the key for some image on the registry `authority` (host[:port] as images name it),
 * ignoring any repository path in the key.
 */
export function credentialKeyMatchesHost(serverKey: string, authority: string): boolean {
  const key = kubeletKeyFor(serverKey);
  const hostOnly = parseSchemeless(key).host;
  if (authority === 'docker.io' || authority === 'index.docker.io') {
    return hostOnly === 'index.docker.io' || urlsMatch(hostOnly, 'docker.io');
  }
  return urlsMatch(hostOnly, authority);
}
