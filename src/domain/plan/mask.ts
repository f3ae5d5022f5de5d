// Secret values never reach the screen unless the user asks: the review step shows masked copies.

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

/**
 * Masks a Secret's `data` and `stringData`. Dockerconfig keys are shown decoded under `stringData` with only the
 * secret fields masked (a Secret with the same meaning, readable); every other value becomes MASK.
 */
function maskSecretFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out = { ...obj };
  // kubectl's last-applied copy of a Secret is every value in clear text.
  const meta = out.metadata as { annotations?: Record<string, string> } | undefined;
  if (meta?.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    out.metadata = { ...meta, annotations: { ...meta.annotations, [LAST_APPLIED_ANNOTATION]: MASK } };
  }
  const stringData: Record<string, unknown> = {};
  let touchedStringData = false;
  if (out.data && typeof out.data === 'object') {
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out.data as Record<string, unknown>)) {
      const decoded = DOCKER_KEYS.has(k) && typeof v === 'string' ? base64ToUtf8(v) : null;
      if (decoded !== null) {
        stringData[k] = maskDockerConfigText(decoded);
        touchedStringData = true;
      } else data[k] = v === null ? null : MASK;
    }
    if (Object.keys(data).length) out.data = data;
    else delete out.data;
  }
  if (out.stringData && typeof out.stringData === 'object') {
    for (const [k, v] of Object.entries(out.stringData as Record<string, unknown>)) {
      stringData[k] = DOCKER_KEYS.has(k) && typeof v === 'string' ? maskDockerConfigText(v) : v === null ? null : MASK;
    }
    touchedStringData = true;
  }
  if (touchedStringData) out.stringData = stringData;
  return out;
}

function maskValueAt(path: string, value: unknown): unknown {
  const m = /^\/(data|stringData)(\/(.*))?$/.exec(path);
  if (!m) return value;
  const field = m[1];
  if (m[3] === undefined) {
    // The whole map: mask it as a Secret field would be.
    const masked = maskSecretFields({ [field]: value });
    return masked[field] ?? MASK;
  }
  const key = m[3].replace(/~1/g, '/').replace(/~0/g, '~');
  if (DOCKER_KEYS.has(key) && typeof value === 'string') {
    const text = field === 'data' ? base64ToUtf8(value) : value;
    // A base64 value must stay a value of its field: show the masked text only where it is text.
    if (text !== null && field === 'stringData') return maskDockerConfigText(text);
  }
  return MASK;
}

/** A copy of the write safe to display: Secret values masked unless `reveal`. Non-Secret writes come back as is. */
export function maskSecrets(write: Write, options: { reveal?: boolean } = {}): Write {
  if (options.reveal || write.kind !== 'Secret') return write;
  const w: Write = { ...write };
  if (w.body) w.body = maskSecretFields(deepClone(w.body));
  if (w.patch) {
    if (Array.isArray(w.patch)) {
      w.patch = w.patch.map((op): JsonPatchOperation => ('value' in op ? { ...op, value: maskValueAt(op.path, op.value) } : op));
    } else w.patch = maskSecretFields(deepClone(w.patch));
  }
  return w;
}
