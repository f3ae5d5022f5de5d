// dockerconfigjson pull credentials: build them as `kubectl create secret docker-registry` does, and read them
// back as kubelet does (pkg/credentialprovider: DockerConfigJSON, DockerConfigEntry.UnmarshalJSON).

import { normalizeRegistryAddress, credentialKeyMatchesHost, kubeletKeyFor } from '../registry';
import type { RegistryAddress } from '../registry';
import { utf8ToBase64, base64ToUtf8 } from './base64';
import { managedLabels } from '../plan/labels';

export { utf8ToBase64, base64ToUtf8, isStdBase64 } from './base64';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
export const DOCKERCFG_TYPE = 'kubernetes.io/dockercfg';
export const DOCKERCFG_KEY = '.dockercfg';

export interface DockerCredentialInput {
  /** A registry address as typed (normalized here) or an already normalized one. */
  server: string | RegistryAddress;
  username: string;
  password: string;
  email?: string;
  /** Needed to accept an http:// server string. */
  allowInsecure?: boolean;
}

export type CredentialErrorCode = 'invalid-server' | 'empty-username' | 'username-has-colon' | 'empty-password';

export class DockerCredentialError extends Error {
  constructor(
    readonly code: CredentialErrorCode,
    readonly detail?: string,
  ) {
    super(`invalid docker credential: ${code}${detail ? ` (${detail})` : ''}`);
    this.name = 'DockerCredentialError';
  }
}

/** Codes for what would make a credential unusable; empty when it is fine. Check before building. */
export function validateCredential(input: { username: string; password: string }): CredentialErrorCode[] {
  const errs: CredentialErrorCode[] = [];
  if (!input.username) errs.push('empty-username');
  // auth is "user:pass" split at the first ':' by every reader, so a ':' in the username corrupts it.
  else if (input.username.includes(':')) errs.push('username-has-colon');
  if (!input.password) errs.push('empty-password');
  return errs;
}

function resolveServer(input: DockerCredentialInput): RegistryAddress {
  if (typeof input.server !== 'string') return input.server;
  const r = normalizeRegistryAddress(input.server, { allowInsecure: input.allowInsecure });
  if (!r.ok) throw new DockerCredentialError('invalid-server', r.error);
  return r.value;
}

/**
 * The `.dockerconfigjson` text: `{"auths":{"<serverKey>":{"username","password","email"?,"auth"}}}`.
 * `auth` is always written (some readers, e.g. Flux, require it). Throws DockerCredentialError on bad input;
 * forms should call validateCredential / normalizeRegistryAddress first.
 */
export function buildDockerConfigJson(input: DockerCredentialInput): string {
  const server = resolveServer(input);
  const errs = validateCredential(input);
  if (errs.length) throw new DockerCredentialError(errs[0]);
  const entry: Record<string, string> = { username: input.username, password: input.password };
  if (input.email) entry.email = input.email;
  entry.auth = utf8ToBase64(`${input.username}:${input.password}`);
  return JSON.stringify({ auths: { [server.serverKey]: entry } });
}

/** base64 of buildDockerConfigJson, the value of a Secret's `data['.dockerconfigjson']`. */
export function dockerConfigSecretData(input: DockerCredentialInput): string {
  return utf8ToBase64(buildDockerConfigJson(input));
}

/** A complete `kubernetes.io/dockerconfigjson` Secret, labelled as the extension's own. */
export function buildPullSecret(
  input: DockerCredentialInput & { name: string; namespace: string; registryId: string; annotations?: Record<string, string> },
): Record<string, unknown> {
  const server = resolveServer(input);
  const annotations: Record<string, string> = { ...(input.annotations ?? {}) };
  // KubeSphere's own registry-secret form marks http registries this way; keep the console consistent.
  if (!server.secure) annotations['secret.kubesphere.io/force-insecure'] = 'true';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: managedLabels(input.registryId),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    type: DOCKER_CONFIG_JSON_TYPE,
    data: { [DOCKER_CONFIG_JSON_KEY]: dockerConfigSecretData({ ...input, server }) },
  };
}

// ---------- reading ----------

/** A Secret as read from the API (base64 `data`), optionally with `stringData`; or the raw `.dockerconfigjson` text. */
export type DockerConfigSource =
  | string
  | { type?: string; data?: Record<string, string> | null; stringData?: Record<string, string> | null };

export type EntryWarning =
  /** identitytoken/registrytoken present: kubelet ignores them and uses only username/password/auth. */
  | 'token-ignored'
  /** The key names :443 (or :80 for http); images written without the port will not match it. */
  | 'explicit-default-port'
  /** The key has a repository path: it only serves images under that path. */
  | 'key-has-path'
  /** No `auth` field: kubelet copes, some other tools (e.g. Flux) do not. */
  | 'missing-auth-field';

/** What a credential entry says, safe to display: never the password. */
export interface DockerConfigEntryInfo {
  serverKey: string;
  /** The username kubelet will use: from `auth` when present (it wins over `username`). */
  username: string;
  hasPassword: boolean;
  email?: string;
  hasAuth: boolean;
  warnings: EntryWarning[];
}

export type ParseDockerConfigResult =
  | {
      ok: true;
      format: 'dockerconfigjson' | 'dockercfg';
      entries: DockerConfigEntryInfo[];
      /** With forHost: the entries kubelet would use for that registry. */
      matches?: DockerConfigEntryInfo[];
    }
  /** A Secret whose type kubelet does not read for this key (e.g. Opaque holding `.dockerconfigjson`): ignored. */
  | { ok: false; error: 'wrong-type'; type: string; expectedType: string; key: string }
  | { ok: false; error: 'missing-key'; key: string }
  /** `key` is the Secret data key, or `auth` with `serverKey` for an entry's auth field. */
  | { ok: false; error: 'bad-base64'; key: string; serverKey?: string }
  | { ok: false; error: 'malformed-json'; reason: string; serverKey?: string }
  | { ok: false; error: 'missing-auths' }
  /** `auth` decodes but has no ':' separating username and password: kubelet rejects the whole Secret. */
  | { ok: false; error: 'bad-auth'; serverKey: string }
  | { ok: false; error: 'no-entry-for-host'; host: string; available: string[]; entries: DockerConfigEntryInfo[] }
  /** `auth` disagrees with username/password; kubelet uses `auth`. */
  | { ok: false; error: 'auth-mismatch'; serverKey: string; field: 'username' | 'password' | 'both'; entries: DockerConfigEntryInfo[] };

interface RawEntry {
  serverKey: string;
  username: string;
  password: string;
  email?: string;
  hasAuth: boolean;
  mismatch?: 'username' | 'password' | 'both';
  warnings: EntryWarning[];
}

type Decoded =
  | { ok: true; format: 'dockerconfigjson' | 'dockercfg'; entries: RawEntry[] }
  | Extract<ParseDockerConfigResult, { ok: false }>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readText(source: Exclude<DockerConfigSource, string>, key: string): { text?: string; error?: 'bad-base64' } {
  const sd = source.stringData?.[key];
  if (typeof sd === 'string') return { text: sd };
  const d = source.data?.[key];
  if (typeof d !== 'string') return {};
  const text = base64ToUtf8(d);
  return text === null ? { error: 'bad-base64' } : { text };
}

function hasKey(source: Exclude<DockerConfigSource, string>, key: string): boolean {
  return typeof source.stringData?.[key] === 'string' || typeof source.data?.[key] === 'string';
}

function decode(source: DockerConfigSource): Decoded {
  let format: 'dockerconfigjson' | 'dockercfg';
  let text: string;
  if (typeof source === 'string') {
    format = 'dockerconfigjson';
    text = source;
  } else {
    const type = source.type;
    if (type === DOCKER_CONFIG_JSON_TYPE) format = 'dockerconfigjson';
    else if (type === DOCKERCFG_TYPE) format = 'dockercfg';
    else if (type) {
      // Kubelet reads `.dockerconfigjson` only from type dockerconfigjson, `.dockercfg` only from type dockercfg.
      const key = hasKey(source, DOCKER_CONFIG_JSON_KEY) ? DOCKER_CONFIG_JSON_KEY : hasKey(source, DOCKERCFG_KEY) ? DOCKERCFG_KEY : '';
      if (key) {
        return { ok: false, error: 'wrong-type', type, key, expectedType: key === DOCKERCFG_KEY ? DOCKERCFG_TYPE : DOCKER_CONFIG_JSON_TYPE };
      }
      return { ok: false, error: 'missing-key', key: DOCKER_CONFIG_JSON_KEY };
    } else format = hasKey(source, DOCKER_CONFIG_JSON_KEY) || !hasKey(source, DOCKERCFG_KEY) ? 'dockerconfigjson' : 'dockercfg';
    const key = format === 'dockerconfigjson' ? DOCKER_CONFIG_JSON_KEY : DOCKERCFG_KEY;
    const r = readText(source, key);
    if (r.error) return { ok: false, error: 'bad-base64', key };
    if (r.text === undefined) return { ok: false, error: 'missing-key', key };
    text = r.text;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: 'malformed-json', reason: e instanceof Error ? e.message : String(e) };
  }
  if (!isPlainObject(json)) return { ok: false, error: 'malformed-json', reason: 'not a JSON object' };
  let map: Record<string, unknown>;
  if (format === 'dockerconfigjson') {
    if (!('auths' in json) || json.auths === null) return { ok: false, error: 'missing-auths' };
    if (!isPlainObject(json.auths)) return { ok: false, error: 'malformed-json', reason: '"auths" is not an object' };
    map = json.auths;
  } else {
    // A docker config.json pasted into a legacy .dockercfg: kubelet would read "auths" as a registry name.
    if ('auths' in json) return { ok: false, error: 'malformed-json', reason: 'a .dockercfg has no "auths" wrapper' };
    map = json;
  }
  const entries: RawEntry[] = [];
  for (const [serverKey, v] of Object.entries(map)) {
    if (!isPlainObject(v)) return { ok: false, error: 'malformed-json', reason: 'entry is not an object', serverKey };
    const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    for (const k of ['username', 'password', 'email', 'auth']) {
      if (v[k] !== undefined && v[k] !== null && typeof v[k] !== 'string') {
        return { ok: false, error: 'malformed-json', reason: `"${k}" is not a string`, serverKey };
      }
    }
    const warnings: EntryWarning[] = [];
    if (str('identitytoken') || str('registrytoken')) warnings.push('token-ignored');
    const kkey = kubeletKeyFor(serverKey);
    if (kkey.includes('/')) warnings.push('key-has-path');
    else if (/:443$/.test(kkey) || (/^http:\/\//.test(serverKey) && /:80$/.test(kkey))) warnings.push('explicit-default-port');
    let username = str('username') ?? '';
    let password = str('password') ?? '';
    const auth = str('auth');
    let mismatch: RawEntry['mismatch'];
    if (auth) {
      const decoded = base64ToUtf8(auth);
      if (decoded === null) return { ok: false, error: 'bad-base64', key: 'auth', serverKey };
      const i = decoded.indexOf(':');
      if (i < 0) return { ok: false, error: 'bad-auth', serverKey };
      const au = decoded.slice(0, i);
      const ap = decoded.slice(i + 1);
      const uDiff = str('username') !== undefined && str('username') !== au;
      const pDiff = str('password') !== undefined && str('password') !== ap;
      if (uDiff || pDiff) mismatch = uDiff && pDiff ? 'both' : uDiff ? 'username' : 'password';
      username = au;
      password = ap;
    } else warnings.push('missing-auth-field');
    entries.push({ serverKey, username, password, email: str('email') || undefined, hasAuth: !!auth, mismatch, warnings });
  }
  return { ok: true, format, entries };
}

function info(e: RawEntry): DockerConfigEntryInfo {
  return {
    serverKey: e.serverKey,
    username: e.username,
    hasPassword: e.password.length > 0,
    ...(e.email ? { email: e.email } : {}),
    hasAuth: e.hasAuth,
    warnings: e.warnings,
  };
}

/** host[:port] as images name it, from whatever form the caller has (address, serverKey, host). */
function toAuthority(forHost: string): string {
  const r = normalizeRegistryAddress(forHost, { allowInsecure: true });
  if (r.ok) return r.value.authority;
  return forHost.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

function entriesFor(entries: RawEntry[], forHost: string): RawEntry[] {
  const authority = toAuthority(forHost);
  return entries.filter((e) => credentialKeyMatchesHost(e.serverKey, authority));
}

/**
 * Reads a pull secret the way kubelet does and says precisely what is wrong with it, or which entries it holds
 * (never the password). With `forHost`, also which entries serve that registry.
 */
export function parseDockerConfigJson(source: DockerConfigSource, forHost?: string): ParseDockerConfigResult {
  const d = decode(source);
  if (!d.ok) return d;
  const entries = d.entries.map(info);
  let relevant = d.entries;
  let matches: DockerConfigEntryInfo[] | undefined;
  if (forHost !== undefined) {
    relevant = entriesFor(d.entries, forHost);
    if (relevant.length === 0) {
      return { ok: false, error: 'no-entry-for-host', host: toAuthority(forHost), available: d.entries.map((e) => e.serverKey), entries };
    }
    matches = relevant.map(info);
  }
  const bad = relevant.find((e) => e.mismatch);
  if (bad) return { ok: false, error: 'auth-mismatch', serverKey: bad.serverKey, field: bad.mismatch!, entries };
  return { ok: true, format: d.format, entries, ...(matches ? { matches } : {}) };
}

/**
 * The effective credential (with password) for a registry, for rotation code only: never put it in a value meant
 * for display. null when the source cannot be read or holds no entry for the host.
 */
export function getDockerConfigCredential(
  source: DockerConfigSource,
  forHost: string,
): { serverKey: string; username: string; password: string; email?: string } | null {
  const d = decode(source);
  if (!d.ok) return null;
  const e = entriesFor(d.entries, forHost)[0];
  if (!e) return null;
  return { serverKey: e.serverKey, username: e.username, password: e.password, ...(e.email ? { email: e.email } : {}) };
}

// ---------- Harbor robot accounts ----------

export interface RobotAccount {
  prefix: string;
  /** Project-level robots (Harbor ≥ 2.2) are `robot$<project>+<name>`. */
  project?: string;
  name: string;
  level: 'project' | 'system';
}

/**
 * Recognises Harbor robot-account usernames: `robot$project+name` (project level, Harbor ≥ 2.2) and `robot$name`
 * (system level, or any robot before 2.2). Harbor's prefix is configurable (`robot_name_prefix`); pass the
 * site's prefix(es) in `prefixes` (default `robot$`) — a prefix such as `robot_` is not assumed, ordinary users
 * may be named like that.
 */
export function isRobotAccount(username: string, options: { prefixes?: string[] } = {}): RobotAccount | null {
  const prefixes = options.prefixes ?? ['robot$'];
  for (const prefix of prefixes) {
    if (!prefix || !username.startsWith(prefix)) continue;
    const rest = username.slice(prefix.length);
    if (rest === '') return null;
    const plus = rest.indexOf('+');
    if (plus > 0 && plus < rest.length - 1) {
      return { prefix, project: rest.slice(0, plus), name: rest.slice(plus + 1), level: 'project' };
    }
    if (plus >= 0) return null;
    return { prefix, name: rest, level: 'system' };
  }
  return null;
}
