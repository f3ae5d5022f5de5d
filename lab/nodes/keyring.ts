// Pull credentials as kubelet resolves them (pkg/credentialprovider: keyring.go, config.go, secrets/secrets.go):
// each dockerconfigjson/dockercfg entry is keyed by host[+path] with the scheme dropped, the index is tried
// longest key first, a key matches when the port is equal, the host has as many dot-separated parts with each
// part glob-matching, and the key's path is a string prefix of the image's path.

export interface AuthConfig {
  username: string;
  password: string;
  /** The keyring key this came from, for diagnostics (never the secret itself). */
  registry: string;
  /** namespace/name of the Secret, or "node" for the node's own config.json. */
  source: string;
}

export interface PullSecretLike {
  metadata?: { name?: string; namespace?: string };
  type?: string;
  data?: Record<string, string>;
}

interface Entry {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
}

export class KeyringParseError extends Error {}

function decodeAuth(auth: string): { username: string; password: string } {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) throw new KeyringParseError('unable to parse auth field, must be formatted as base64(username:password)');
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

function entryCreds(entry: Entry): { username: string; password: string } {
  // config.go: an "auth" field overrides username/password.
  if (entry.auth) return decodeAuth(entry.auth);
  return { username: entry.username ?? '', password: entry.password ?? '' };
}

/** The keyring key for a config entry name: scheme dropped, /v1/ or /v2/ prefix dropped, trailing "/" ignored. */
export function keyFor(location: string): string {
  // Parsed by hand: WHATWG URL would drop an explicit ":443", which Go's url.Parse keeps (and the port must match).
  const value = location.replace(/^https?:\/\//, '');
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  let path = slash < 0 ? '' : value.slice(slash).split(/[?#]/)[0];
  if (!host) return '';
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path && path !== '/' ? `${host}${path}` : host;
}

function splitUrl(schemeless: string): { parts: string[]; port: string; path: string } {
  const slash = schemeless.indexOf('/');
  const hostport = slash < 0 ? schemeless : schemeless.slice(0, slash);
  const path = slash < 0 ? '' : schemeless.slice(slash);
  let host = hostport;
  let port = '';
  const m = /^(.*):(\d*)$/.exec(hostport);
  if (m && !hostport.endsWith(']')) {
    host = m[1];
    port = m[2];
  }
  return { parts: host.split('.'), port, path };
}

/** Go's filepath.Match for one host label (no "/" inside): *, ?, [...] classes. */
function globMatch(pattern: string, text: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`).test(text);
  } catch {
    return false;
  }
}

/** URLsMatchStr(key, image repository): both schemeless. */
export function keyMatches(key: string, repository: string): boolean {
  const glob = splitUrl(key);
  const target = splitUrl(repository);
  if (glob.port !== target.port) return false;
  if (glob.parts.length !== target.parts.length) return false;
  if (!target.path.startsWith(glob.path)) return false;
  return glob.parts.every((p, i) => globMatch(p, target.parts[i]));
}

function isDefaultRegistryMatch(repository: string): boolean {
  const first = repository.split('/')[0];
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}

export class DockerKeyring {
  private readonly creds = new Map<string, AuthConfig[]>();
  private index: string[] = [];

  add(config: Record<string, Entry>, source: string): void {
    for (const [location, entry] of Object.entries(config ?? {})) {
      const key = keyFor(location);
      if (!key) continue;
      const { username, password } = entryCreds(entry ?? {});
      const list = this.creds.get(key) ?? [];
      list.push({ username, password, registry: key, source });
      this.creds.set(key, list);
      if (!this.index.includes(key)) this.index.push(key);
    }
    // Reverse lexicographic order puts longer (more specific) keys first, as kubelet does.
    this.index.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  /** Matching credentials, most specific first; an empty list means "pull anonymously". */
  lookup(repository: string): AuthConfig[] {
    const out: AuthConfig[] = [];
    for (const key of this.index) if (keyMatches(key, repository)) out.push(...(this.creds.get(key) ?? []));
    if (out.length === 0 && isDefaultRegistryMatch(repository)) out.push(...(this.creds.get('index.docker.io') ?? []));
    return out;
  }
}

/**
 * secrets.MakeDockerKeyring: kubernetes.io/dockerconfigjson (".dockerconfigjson" with "auths") and the legacy
 * kubernetes.io/dockercfg (".dockercfg" without the wrapper); other types are ignored. A body that does not
 * parse fails the whole pull, as in kubelet.
 */
export function keyringFromSecrets(secrets: PullSecretLike[], nodeConfig?: Record<string, Entry>): DockerKeyring {
  const keyring = new DockerKeyring();
  for (const secret of secrets) {
    const source = `${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`;
    const data = secret.data ?? {};
    if (secret.type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson']) {
      const parsed = parseJson(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8'));
      keyring.add((parsed as { auths?: Record<string, Entry> }).auths ?? {}, source);
    } else if (secret.type === 'kubernetes.io/dockercfg' && data['.dockercfg']) {
      keyring.add(parseJson(Buffer.from(data['.dockercfg'], 'base64').toString('utf8')) as Record<string, Entry>, source);
    }
  }
  // kubelet unions the pod's secrets with the node's own keyring (e.g. /var/lib/kubelet/config.json).
  if (nodeConfig) keyring.add(nodeConfig, 'node');
  return keyring;
}

function parseJson(text: string): unknown {
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object') throw new KeyringParseError(`json: cannot unmarshal ${typeof value} into Go value`);
    return value;
  } catch (error) {
    if (error instanceof KeyringParseError) throw error;
    throw new KeyringParseError(`invalid character in pull secret JSON: ${(error as Error).message}`);
  }
}
