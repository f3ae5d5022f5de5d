// Pure patch appliers for previews and idempotence checks: RFC 6902 JSON Patch (incl. test), RFC 7386 merge
// patch, and the small part of strategic merge patch the extension uses.

import type { JsonPatchOperation } from './write';

export type JsonPatchErrorCode = 'test-failed' | 'path-not-found' | 'invalid-pointer' | 'invalid-index' | 'invalid-op';

export class JsonPatchError extends Error {
  constructor(
    readonly code: JsonPatchErrorCode,
    readonly opIndex: number,
    readonly path: string,
  ) {
    super(`JSON patch op ${opIndex} (${path}): ${code}`);
    this.name = 'JsonPatchError';
  }
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as unknown as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = deepClone(x);
    return out as T;
  }
  return v;
}

/** JSON equality: key order ignored, array order kept; `undefined` members count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}

export function parsePointer(pointer: string): string[] | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number | null {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return null;
  const i = Number(token);
  return i <= (allowEnd ? length : length - 1) ? i : null;
}

type Container = Record<string, unknown> | unknown[];

/** The value at `tokens` (every one must exist); `path` and `opIndex` only name the failure. */
function walk(doc: unknown, tokens: string[], opIndex: number, path: string): unknown {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length, false);
      if (i === null) throw new JsonPatchError('path-not-found', opIndex, path);
      cur = cur[i];
    } else if (cur && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = (cur as Record<string, unknown>)[t];
    } else throw new JsonPatchError('path-not-found', opIndex, path);
  }
  return cur;
}

function resolveParent(doc: unknown, tokens: string[], opIndex: number, path: string): Container {
  const cur = walk(doc, tokens.slice(0, -1), opIndex, path);
  if (!cur || typeof cur !== 'object') throw new JsonPatchError('path-not-found', opIndex, path);
  return cur as Container;
}

function getAt(doc: unknown, path: string, opIndex: number): unknown {
  const tokens = parsePointer(path);
  if (tokens === null) throw new JsonPatchError('invalid-pointer', opIndex, path);
  return walk(doc, tokens, opIndex, path);
}

function addAt(doc: unknown, path: string, value: unknown, opIndex: number): unknown {
  const tokens = parsePointer(path);
  if (tokens === null) throw new JsonPatchError('invalid-pointer', opIndex, path);
  if (tokens.length === 0) return value;
  const parent = resolveParent(doc, tokens, opIndex, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, true);
    if (i === null) throw new JsonPatchError('invalid-index', opIndex, path);
    parent.splice(i, 0, value);
  } else parent[last] = value;
  return doc;
}

function removeAt(doc: unknown, path: string, opIndex: number): { doc: unknown; removed: unknown } {
  const tokens = parsePointer(path);
  if (tokens === null) throw new JsonPatchError('invalid-pointer', opIndex, path);
  if (tokens.length === 0) throw new JsonPatchError('invalid-op', opIndex, path);
  const parent = resolveParent(doc, tokens, opIndex, path);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    if (i === null) throw new JsonPatchError('path-not-found', opIndex, path);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (!Object.prototype.hasOwnProperty.call(parent, last)) throw new JsonPatchError('path-not-found', opIndex, path);
  const removed = parent[last];
  delete parent[last];
  return { doc, removed };
}

/**
 * Applies RFC 6902 operations to a copy of `doc` and returns it; the input is never changed. Throws
 * JsonPatchError on the first failing operation (the whole patch fails, as on the API server).
 */
export function applyJsonPatch<T = unknown>(doc: T, ops: readonly JsonPatchOperation[]): T {
  let out: unknown = deepClone(doc);
  ops.forEach((op, i) => {
    switch (op.op) {
      case 'add':
        out = addAt(out, op.path, deepClone(op.value), i);
        break;
      case 'remove':
        out = removeAt(out, op.path, i).doc;
        break;
      case 'replace': {
        getAt(out, op.path, i); // must exist
        if (op.path === '') out = deepClone(op.value);
        else {
          out = removeAt(out, op.path, i).doc;
          out = addAt(out, op.path, deepClone(op.value), i);
        }
        break;
      }
      case 'move': {
        if (op.path.startsWith(`${op.from}/`)) throw new JsonPatchError('invalid-op', i, op.path);
        const r = removeAt(out, op.from, i);
        out = addAt(r.doc, op.path, r.removed, i);
        break;
      }
      case 'copy':
        out = addAt(out, op.path, deepClone(getAt(out, op.from, i)), i);
        break;
      case 'test':
        if (!deepEqual(getAt(out, op.path, i), op.value)) throw new JsonPatchError('test-failed', i, op.path);
        break;
      default:
        throw new JsonPatchError('invalid-op', i, (op as { path?: string }).path ?? '');
    }
  });
  return out as T;
}

/** RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge, null deletes, arrays replace. */
export function applyMergePatch<T = unknown>(target: T, patch: unknown): T {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return deepClone(patch) as T;
  const base: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? deepClone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = applyMergePatch(base[k], v);
  }
  return base as T;
}

/**
 * The subset of strategic merge patch the extension's writes need: like a merge patch, except that a list whose
 * items are all objects with a `name` merges by `name` (PodSpec.imagePullSecrets, containers, volumes...).
 * It does not know the schema: atomic lists of named objects (e.g. ServiceAccount.imagePullSecrets) would be
 * merged here but REPLACED by the API server — never send those as strategic merge patches.
 */
export function applyStrategicMergePatch<T = unknown>(target: T, patch: unknown): T {
  if (!patch || typeof patch !== 'object') return deepClone(patch) as T;
  if (Array.isArray(patch)) {
    const named = (xs: unknown[]) => xs.every((x) => x && typeof x === 'object' && !Array.isArray(x) && typeof (x as { name?: unknown }).name === 'string');
    if (Array.isArray(target) && named(patch) && named(target)) {
      const out = deepClone(target) as Array<Record<string, unknown>>;
      for (const item of patch as Array<Record<string, unknown>>) {
        const i = out.findIndex((x) => x.name === item.name);
        if (item.$patch === 'delete') {
          if (i >= 0) out.splice(i, 1);
        } else if (i >= 0) out[i] = applyStrategicMergePatch(out[i], item);
        else out.push(deepClone(item));
      }
      return out as unknown as T;
    }
    return deepClone(patch) as T;
  }
  const base: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? deepClone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = applyStrategicMergePatch(base[k], v);
  }
  return base as T;
}
