// The three patch types kube-apiserver accepts for built-in kinds:
//  - JSON patch (RFC 6902, as gopkg.in/evanphx/json-patch.v4 applies it): any failure, a failed `test` included,
//    answers 422 "the server rejected our request due to an error in our request";
//  - JSON merge patch (RFC 7386): null deletes, lists are replaced;
//  - strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch): lists merge by patchMergeKey where the
//    Go type declares patchStrategy merge, every other list is atomic; $patch, $retainKeys,
//    $deleteFromPrimitiveList and $setElementOrder directives.
import { badRequest, genericUnprocessable, internalError } from './errors';
import type { SmpNode } from './types';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object).filter((k) => (a as any)[k] !== undefined);
  const bk = Object.keys(b as object).filter((k) => (b as any)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as any)[k], (b as any)[k]));
}

// ---------------- JSON patch ----------------

class PatchApplyError extends Error {}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchApplyError(`JSON pointer must be empty or start with a "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Finds the container of the pointer's last segment. */
function locate(doc: Json, parts: string[], op: string): { parent: JsonObject | Json[]; key: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "/${parts.join('/')}"`);
      cur = cur[i];
    } else if (isObject(cur)) {
      if (!(p in cur)) throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "/${parts.join('/')}"`);
      cur = cur[p];
    } else throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "/${parts.join('/')}"`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchApplyError(`${op} operation does not apply: doc is missing path: "/${parts.join('/')}"`);
  return { parent: cur, key: parts[parts.length - 1] };
}

function arrayIndex(arr: Json[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return arr.length;
  if (!/^-?\d+$/.test(key)) throw new PatchApplyError(`Unable to access invalid index: ${key}`);
  const i = Number(key);
  if (i < 0 || i > arr.length || (!allowEnd && i === arr.length)) throw new PatchApplyError(`Unable to access invalid index: ${i}`);
  return i;
}

function getAt(doc: Json, parts: string[], op: string): Json | undefined {
  if (parts.length === 0) return doc;
  const { parent, key } = locate(doc, parts, op);
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(key) || Number(key) >= parent.length) return undefined;
    return parent[Number(key)];
  }
  return Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
}

function addAt(doc: Json, parts: string[], value: Json): Json {
  if (parts.length === 0) return value;
  const { parent, key } = locate(doc, parts, 'add');
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
  return doc;
}

function removeAt(doc: Json, parts: string[], op = 'remove'): Json {
  if (parts.length === 0) throw new PatchApplyError(`${op} operation does not apply: doc is missing path: ""`);
  const { parent, key } = locate(doc, parts, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) {
      throw new PatchApplyError(`${op} operation does not apply: doc is missing key: /${parts.join('/')}`);
    }
    delete parent[key];
  }
  return doc;
}

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

/** Decodes a JSON patch body; a malformed one is a 400 like jsonpatch.DecodePatch's error. */
export function decodeJsonPatch(body: unknown): JsonPatchOp[] {
  if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return body as JsonPatchOp[];
}

export function applyJsonPatch<T>(target: T, ops: JsonPatchOp[]): T {
  let doc = clone(target) as unknown as Json;
  try {
    for (const o of ops) {
      if (!isObject(o as unknown)) throw new PatchApplyError('invalid operation');
      if (typeof o.path !== 'string') throw new PatchApplyError(`operation missing path field`);
      const parts = parsePointer(o.path);
      switch (o.op) {
        case 'add':
          if (!('value' in o)) throw new PatchApplyError('add operation missing value');
          doc = addAt(doc, parts, clone(o.value as Json));
          break;
        case 'remove':
          doc = removeAt(doc, parts);
          break;
        case 'replace': {
          if (!('value' in o)) throw new PatchApplyError('replace operation missing value');
          if (parts.length === 0) {
            doc = clone(o.value as Json);
            break;
          }
          const { parent, key } = locate(doc, parts, 'replace');
          if (Array.isArray(parent)) parent[arrayIndex(parent, key, false)] = clone(o.value as Json);
          else {
            if (!Object.prototype.hasOwnProperty.call(parent, key)) {
              throw new PatchApplyError(`replace operation does not apply: doc is missing key: ${o.path}`);
            }
            parent[key] = clone(o.value as Json);
          }
          break;
        }
        case 'move': {
          if (typeof o.from !== 'string') throw new PatchApplyError('move operation missing from');
          const from = parsePointer(o.from);
          const v = getAt(doc, from, 'move');
          if (v === undefined) throw new PatchApplyError(`move operation does not apply: doc is missing from path: ${o.from}`);
          doc = removeAt(doc, from, 'move');
          doc = addAt(doc, parts, v);
          break;
        }
        case 'copy': {
          if (typeof o.from !== 'string') throw new PatchApplyError('copy operation missing from');
          const v = getAt(doc, parsePointer(o.from), 'copy');
          if (v === undefined) throw new PatchApplyError(`copy operation does not apply: doc is missing from path: ${o.from}`);
          doc = addAt(doc, parts, clone(v));
          break;
        }
        case 'test': {
          const v = getAt(doc, parts, 'test');
          const expected = 'value' in o ? o.value : null;
          const same = v === undefined ? expected === null || expected === undefined : deepEqual(v, expected);
          if (!same) throw new PatchApplyError(`testing value ${o.path} failed: test failed`);
          break;
        }
        default:
          throw new PatchApplyError(`Unexpected kind: ${String(o.op)}`);
      }
    }
  } catch (e) {
    if (e instanceof PatchApplyError) {
      const err = genericUnprocessable();
      (err as { cause?: unknown }).cause = e.message;
      throw err;
    }
    throw e;
  }
  return doc as unknown as T;
}

// ---------------- JSON merge patch ----------------

export function applyMergePatch<T>(target: T, patch: unknown): T {
  return mergePatch(clone(target) as unknown as Json, patch as Json) as unknown as T;
}

function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

// ---------------- strategic merge patch ----------------

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

class SmpError extends Error {
  constructor(
    message: string,
    readonly kind: 'bad' | 'internal' = 'bad',
  ) {
    super(message);
  }
}

export function applyStrategicMergePatch<T>(target: T, patch: unknown, schema: SmpNode | undefined): T {
  if (!isObject(patch as Json)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  try {
    return mergeMap(clone(target) as unknown as JsonObject, clone(patch) as JsonObject, schema) as unknown as T;
  } catch (e) {
    if (e instanceof SmpError) throw e.kind === 'bad' ? badRequest(e.message) : internalError(e.message);
    throw e;
  }
}

function goMap(m: JsonObject): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${typeof m[k] === 'object' ? JSON.stringify(m[k]) : String(m[k])}`)
    .join(' ')}]`;
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: SmpNode | undefined): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    delete patch[DIRECTIVE];
    if (directive === 'replace') return stripDirectives(patch, schema) as JsonObject;
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw new SmpError(`Unrecognized $patch directive: ${String(directive)}`);
  }

  // $retainKeys: drop original keys the patch does not list.
  if (RETAIN_KEYS in patch) {
    const keep = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(keep)) throw new SmpError('invalid patch: $retainKeys must be a list');
    for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
  }

  // $deleteFromPrimitiveList/<field> and $setElementOrder/<field>, applied around the merge.
  const orders: Array<[string, Json[]]> = [];
  for (const k of Object.keys(patch)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = k.slice(DELETE_FROM_PRIMITIVE.length);
      const del = patch[k];
      delete patch[k];
      if (!Array.isArray(del)) throw new SmpError('invalid patch: $deleteFromPrimitiveList must be a list');
      const cur = original[field];
      if (Array.isArray(cur)) original[field] = cur.filter((x) => !del.some((d) => deepEqual(d, x)));
    } else if (k.startsWith(SET_ELEMENT_ORDER)) {
      const order = patch[k];
      delete patch[k];
      if (!Array.isArray(order)) throw new SmpError('invalid patch: $setElementOrder must be a list');
      orders.push([k.slice(SET_ELEMENT_ORDER.length), order]);
    }
  }

  for (const [k, pv] of Object.entries(patch)) {
    const sub = schema?.fields?.[k];
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (isObject(pv)) {
      if (pv[DIRECTIVE] === 'delete') {
        delete original[k];
        continue;
      }
      original[k] = mergeMap(isObject(ov) ? ov : {}, pv, sub);
    } else if (Array.isArray(pv)) {
      original[k] = mergeList(Array.isArray(ov) ? ov : [], pv, sub);
    } else {
      original[k] = pv;
    }
  }

  for (const [field, order] of orders) {
    const cur = original[field];
    if (Array.isArray(cur)) original[field] = applyOrder(cur, order, schema?.fields?.[field]?.merge?.key);
  }
  return original;
}

function mergeList(original: Json[], patch: Json[], schema: SmpNode | undefined): Json[] {
  if (!schema?.merge) {
    // Atomic list: the patch's list replaces it (directive elements are not meaningful here).
    return patch.map((x) => stripDirectives(x, schema?.items));
  }
  const key = schema.merge.key;
  if (!key) {
    // Merge list of primitives: union, original order first.
    const out = [...original];
    for (const p of patch) if (!out.some((o) => deepEqual(o, p))) out.push(p);
    return out;
  }
  // $patch: replace anywhere in the list replaces the list with the other patch elements.
  if (patch.some((p) => isObject(p) && p[DIRECTIVE] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p[DIRECTIVE] === 'replace')).map((x) => stripDirectives(x, schema.items));
  }
  let out = [...original];
  for (const p of patch) {
    if (!isObject(p)) throw new SmpError('strategic merge patch: list of maps expected', 'internal');
    if (!(key in p)) throw new SmpError(`map: ${goMap(p)} does not contain declared merge key: ${key}`, 'internal');
    const idx = out.findIndex((o) => isObject(o) && deepEqual(o[key], p[key]));
    if (p[DIRECTIVE] === 'delete') {
      out = out.filter((o) => !(isObject(o) && deepEqual(o[key], p[key])));
      continue;
    }
    if (idx >= 0) out[idx] = mergeMap(out[idx] as JsonObject, p, schema.items);
    else out.push(mergeMap({}, p, schema.items));
  }
  return out;
}

function applyOrder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const idOf = (x: Json) => (key && isObject(x) ? x[key] : x);
  const wanted = order.map((o) => (key && isObject(o) ? o[key] : o));
  const ordered: Json[] = [];
  for (const w of wanted) {
    const found = list.find((x) => deepEqual(idOf(x), w));
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  for (const x of list) if (!ordered.includes(x)) ordered.push(x);
  return ordered;
}

/** A value the original did not have: merge it into nothing so its directives are applied, not stored. */
function stripDirectives(v: Json, schema: SmpNode | undefined): Json {
  if (isObject(v)) return mergeMap({}, v, schema);
  if (Array.isArray(v)) return v.map((x) => stripDirectives(x, schema?.items));
  return v;
}
