// Secret values never reach the screen unless the user asks: the review step shows masked copies. A masked copy is
// for reading only: every masked value sits in a Secret's `data`, where the API server accepts nothing but base64,
// and a masked value is never base64 (the readable masked dockerconfig starts with `{`, other values are
// `********`). So a masked YAML document or kubectl command that is copied and applied is refused by the API
// server ("illegal base64 data") instead of storing `********` as a password.

import type { Write, JsonPatchOperation } from './write';
import { deepClone } from './jsonpatch';
import { base64ToUtf8 } from '../dockerconfig/base64';
import { LAST_APPLIED_ANNOTATION } from './secrets';

export const MASK = '********';
const DOCKER_KEYS = new Set(['.dockerconfigjson', '.dockercfg']);
const SECRET_FIELDS = new Set(['password', 'auth', 'identitytoken', 'registrytoken']);

/** A dockerconfig JSON text with passwords, auth and tokens masked; the hosts, usernames and emails stay readable. */
export function maskDockerConfigText(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return MASK;
  }
  const maskEntries = (m: unknown) => {
    if (!m || typeof m !== 'object') return;
    for (const e of Object.values(m as Record<string, unknown>)) {
      if (!e || typeof e !== 'object') continue;
      for (const k of Object.keys(e)) if (SECRET_FIELDS.has(k)) (e as Record<string, unknown>)[k] = MASK;
    }
  };
  if (json && typeof json === 'object' && 'auths' in json) maskEntries((json as { auths: unknown }).auths);
  else maskEntries(json);
  return JSON.stringify(json);
}

/** The masked form of one Secret value: readable masked dockerconfig JSON, or MASK; never valid base64. */
function maskedValue(key: string, value: unknown, encoded: boolean): unknown {
  if (value === null) return null;
  if (DOCKER_KEYS.has(key) && typeof value === 'string') {
    const text = encoded ? base64ToUtf8(value) : value;
    if (text !== null) {
      const masked = maskDockerConfigText(text);
      if (masked !== MASK) return masked;
    }
  }
  return MASK;
}

/**
 * Masks a Secret's `data` and `stringData`, all of it under `data` (see the file comment): dockerconfig keys as
 * readable masked JSON, every other value as MASK. kubectl's last-applied copy is masked too.
 */
function maskSecretFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out = { ...obj };
  // kubectl's last-applied copy of a Secret is every value in clear text.
  const meta = out.metadata as { annotations?: Record<string, string> } | undefined;
  if (meta?.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    out.metadata = { ...meta, annotations: { ...meta.annotations, [LAST_APPLIED_ANNOTATION]: MASK } };
  }
  const data: Record<string, unknown> = {};
  if (out.data && typeof out.data === 'object') {
    for (const [k, v] of Object.entries(out.data as Record<string, unknown>)) data[k] = maskedValue(k, v, true);
  }
  if (out.stringData && typeof out.stringData === 'object') {
    for (const [k, v] of Object.entries(out.stringData as Record<string, unknown>)) data[k] = maskedValue(k, v, false);
  }
  delete out.stringData;
  if (Object.keys(data).length) out.data = data;
  else delete out.data;
  return out;
}

/** A masked JSON-patch op on a Secret: values under /data, never /stringData (which would accept any string). */
function maskOp(op: JsonPatchOperation): JsonPatchOperation {
  if (!('value' in op)) return op;
  const m = /^\/(data|stringData)(?:\/(.*))?$/.exec(op.path);
  if (m) {
    if (m[2] === undefined) return { ...op, path: '/data', value: maskSecretFields({ [m[1]!]: op.value }).data ?? {} };
    const key = m[2].replace(/~1/g, '/').replace(/~0/g, '~');
    return { ...op, path: `/data/${m[2]}`, value: maskedValue(key, op.value, m[1] === 'data') };
  }
  const lastApplied = `/metadata/annotations/${LAST_APPLIED_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  if (op.path === lastApplied) return { ...op, value: MASK };
  if (op.path === '/metadata/annotations') return { ...op, value: (maskSecretFields({ metadata: { annotations: op.value } }).metadata as { annotations: unknown }).annotations };
  if (op.path === '/metadata') return { ...op, value: maskSecretFields({ metadata: op.value }).metadata };
  return op;
}

const AUTH_LINE = /^(\s*[+-]?\s*authorization\s*[:=]?\s*"?)(\S+)(\s+)(.+?)("?\s*)$/i;

/**
 * Hides credentials an object of any kind could carry: an `authorization` key's value, and strings that are an
 * Authorization header line (a ReverseProxy's headerUp `Authorization "Basic …"`): the scheme stays, the
 * credential becomes MASK.
 */
function hideAuthorization(value: unknown): unknown {
  if (typeof value === 'string') {
    const m = AUTH_LINE.exec(value);
    return m ? `${m[1]}${m[2]}${m[3]}${MASK}${m[5]}` : value;
  }
  if (Array.isArray(value)) return value.map(hideAuthorization);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = /^(proxy-)?authorization$/i.test(k) && typeof v === 'string' ? MASK : hideAuthorization(v);
    }
    return out;
  }
  return value;
}

/**
 * A copy of the write safe to display: Secret values masked (in a form the API server refuses to store), and any
 * Authorization header in any object hidden, unless `reveal`.
 */
export function maskSecrets(write: Write, options: { reveal?: boolean } = {}): Write {
  if (options.reveal) return write;
  const w: Write = { ...write };
  if (w.kind === 'Secret') {
    if (w.body) w.body = maskSecretFields(deepClone(w.body));
    if (w.patch) {
      if (Array.isArray(w.patch)) w.patch = w.patch.map(maskOp);
      else w.patch = maskSecretFields(deepClone(w.patch));
    }
  }
  if (w.body) w.body = hideAuthorization(w.body) as Record<string, unknown>;
  if (w.patch) w.patch = hideAuthorization(w.patch) as Write['patch'];
  return w;
}
