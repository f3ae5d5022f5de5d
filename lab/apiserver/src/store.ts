// The in-memory object store with the semantics of kube-apiserver's registry over etcd: one resourceVersion
// sequence for every kind, uid/creationTimestamp/generation/generateName, 409 AlreadyExists and Conflict,
// defaulting, admission and validation, finalizers, a watch history window (410 Expired when a client is too far
// behind), and the controllers the lab needs (a ServiceAccount "default" per namespace, namespace deletion,
// CustomResourceDefinitions that create types). Persisted to <labDir>/apiserver/state.json.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ApiError,
  type DeleteOptions,
  type KObject,
  type ListOptions,
  type ListResult,
  type ResourceType,
  type ResourceTypeDefinition,
  type Store,
  type WatchEvent,
  type WriteOptions,
} from './contract';
import {
  badRequest,
  conflict,
  expired,
  fieldErr,
  forbidden,
  internalError,
  invalid,
  methodNotSupported,
  notFound,
  STALE_OBJECT,
  alreadyExists,
} from './errors';
import { deepEqual } from './patch';
import { schemaErrors } from './schema';
import { compileFieldSelector, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { applyDefaults, prepareForCreate, validateObject, validateUpdate } from './strategy';
import { apiVersionOf, builtinTypes, crdFor, type TypeDef, typeFromCrd, typeKey } from './types';

type Obj = Record<string, any>;

interface HistoryEntry {
  rv: number;
  tkey: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KObject;
  prev?: KObject;
}

interface Subscriber {
  tkey: string;
  namespace?: string;
  matches: (o: KObject) => boolean;
  onEvent: (e: WatchEvent) => void;
}

export interface StoreOptions {
  /** state.json path; no persistence when absent (unit tests). */
  file?: string;
  /** How many changes the watch history keeps (older resourceVersions answer 410). */
  historyLimit?: number;
  /** The cert-manager switch, read on every refreshSwitches(). */
  certManager?: () => boolean;
  /** Milliseconds between a change and its write to disk. */
  persistDelayMs?: number;
}

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function objKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

const clone = <T>(v: T): T => structuredClone(v);

export class MemStore implements Store {
  private builtins = new Map<string, TypeDef>();
  private customs = new Map<string, TypeDef>();
  private data = new Map<string, Map<string, KObject>>();
  private rv = 0;
  private history: HistoryEntry[] = [];
  /** The oldest resourceVersion a watch may resume from. */
  private oldestRV = 0;
  private subscribers = new Set<Subscriber>();
  private persistTimer: NodeJS.Timeout | undefined;
  private certManagerOn = false;
  private readonly historyLimit: number;

  constructor(private readonly options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10000;
    const certManager = options.certManager ?? (() => false);
    for (const t of builtinTypes(certManager)) {
      if (t.custom) continue;
      this.builtins.set(typeKey(t), t);
    }
    if (options.file && fs.existsSync(options.file)) this.load(options.file);
    this.oldestRV = this.rv;
    this.refreshCustomTypes();
    this.ensureBuiltinCrds();
    this.refreshSwitches();
  }

  // ---------------- types ----------------

  types(): TypeDef[] {
    return [...this.builtins.values(), ...this.customs.values()];
  }

  typeFor(group: string, resource: string): TypeDef | undefined {
    const k = `${group}/${resource}`;
    return this.builtins.get(k) ?? this.customs.get(k);
  }

  typeForKind(apiVersion: string, kind: string): TypeDef | undefined {
    return this.types().find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  registerType(d: ResourceTypeDefinition): TypeDef {
    const t: TypeDef = {
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      nameRule: 'subdomain',
      allowUnconditionalUpdate: d.custom === false,
      generation: true,
      singular: d.singular ?? d.kind.toLowerCase(),
      ...d,
      custom: d.custom !== false,
    } as TypeDef;
    if (!t.custom) {
      this.builtins.set(typeKey(t), t);
      return t;
    }
    const crd = crdFor(t);
    const crdType = this.builtins.get(CRD_KEY)!;
    if (!this.get(crdType, undefined, crd.metadata.name!)) this.create(crdType, crd);
    return this.typeFor(t.group, t.resource)!;
  }

  /** The KubeSphere CRDs always exist; cert-manager's only while its switch is on. */
  private ensureBuiltinCrds() {
    const crdType = this.builtins.get(CRD_KEY)!;
    for (const t of builtinTypes(() => true)) {
      if (!t.custom || t.group === 'cert-manager.io') continue;
      const crd = crdFor(t);
      if (!this.get(crdType, undefined, crd.metadata.name!)) this.create(crdType, crd);
    }
  }

  /** Reads the cert-manager switch and adds or removes its CRDs when it changed. Cheap; call per request. */
  refreshSwitches(): void {
    const on = Boolean(this.options.certManager?.());
    if (on === this.certManagerOn && this.customs.has('cert-manager.io/certificates') === on) return;
    this.certManagerOn = on;
    const crdType = this.builtins.get(CRD_KEY)!;
    for (const t of builtinTypes(() => true)) {
      if (t.group !== 'cert-manager.io') continue;
      const crd = crdFor(t);
      const existing = this.get(crdType, undefined, crd.metadata.name!);
      if (on && !existing) this.create(crdType, crd);
      if (!on && existing) this.delete(crdType, undefined, crd.metadata.name!);
    }
  }

  private refreshCustomTypes() {
    const next = new Map<string, TypeDef>();
    const richer = new Map(builtinTypes(() => true).filter((t) => t.custom).map((t) => [typeKey(t), t]));
    for (const crd of this.bucket(CRD_KEY).values()) {
      const t = typeFromCrd(crd);
      if (!t) continue;
      const known = richer.get(typeKey(t));
      next.set(typeKey(t), known && known.version === t.version ? { ...known, enabled: undefined } : t);
    }
    this.customs = next;
  }

  private assertServed(type: ResourceType): TypeDef {
    const t = this.typeFor(type.group, type.resource);
    if (!t) throw notFound({ group: type.group, resource: type.resource }, '');
    return t;
  }

  /** For a view type (events.k8s.io Event): the stored type and the conversion. */
  private viewOf(type: ResourceType): { t: TypeDef; storage: TypeDef; view: NonNullable<TypeDef['view']> } | undefined {
    const t = this.typeFor(type.group, type.resource);
    if (!t?.view) return undefined;
    return { t, storage: this.typeFor(t.view.storage.group, t.view.storage.resource)!, view: t.view };
  }

  private viewOptions<O extends ListOptions>(v: NonNullable<TypeDef['view']>, o: O): O {
    return { ...o, fieldSelector: v.fieldSelector(o.fieldSelector) };
  }

  // ---------------- reads ----------------

  private bucket(tkey: string): Map<string, KObject> {
    let b = this.data.get(tkey);
    if (!b) {
      b = new Map();
      this.data.set(tkey, b);
    }
    return b;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const v = this.viewOf(type);
    if (v) {
      const o = this.get(v.storage, namespace, name);
      return o && v.view.fromStorage(o);
    }
    const t = this.typeFor(type.group, type.resource);
    if (!t) return undefined;
    const o = this.bucket(typeKey(t)).get(objKey(t.namespaced ? namespace : undefined, name));
    return o ? this.present(t, o) : undefined;
  }

  /** The object as clients see it: a copy, apiVersion/kind of the served version. */
  private present(t: TypeDef, o: KObject): KObject {
    const c = clone(o);
    c.apiVersion = apiVersionOf(t);
    c.kind = t.kind;
    return c;
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  private compileFilter(t: TypeDef, options?: ListOptions): (o: KObject) => boolean {
    const labelSel = options?.labelSelector ? parseLabelSelector(options.labelSelector) : undefined;
    const fieldReqs = options?.fieldSelector ? parseFieldSelector(options.fieldSelector) : undefined;
    const fieldMatch = fieldReqs?.length ? compileFieldSelector(fieldReqs, t.fieldSelectors, t.fieldAliases) : undefined;
    return (o) => (!labelSel || matchesLabels(labelSel, o.metadata.labels)) && (!fieldMatch || fieldMatch(o as Obj));
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const v = this.viewOf(type);
    if (v) {
      const r = this.list(v.storage, namespace, this.viewOptions(v.view, options));
      return { ...r, items: r.items.map((o) => v.view.fromStorage(o)) };
    }
    const t = this.assertServed(type);
    const match = this.compileFilter(t, options);
    const ns = t.namespaced ? namespace : undefined;
    let keys = [...this.bucket(typeKey(t)).keys()].sort(byteCompare);
    if (ns) keys = keys.filter((k) => k.startsWith(`${ns}/`));
    let listRV = this.rv;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      listRV = token.rv;
      keys = keys.filter((k) => byteCompare(k, token.start) >= 0);
    }
    const bucket = this.bucket(typeKey(t));
    const items: KObject[] = [];
    let i = 0;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    for (; i < keys.length && items.length < limit; i++) {
      const o = bucket.get(keys[i])!;
      if (match(o)) items.push(this.present(t, o));
    }
    const result: ListResult = { items, resourceVersion: String(listRV) };
    // More candidates left: hand out a continue token even if none of them match (the apiserver does too).
    if (i < keys.length && items.length >= limit) {
      const rest = keys.slice(i);
      if (rest.length) {
        result.continue = encodeContinue(listRV, `${keys[i - 1]}\u0000`);
        if (!options.labelSelector && !options.fieldSelector) result.remainingItemCount = rest.length;
      }
    }
    return result;
  }

  // ---------------- writes ----------------

  /** Decoding and defaulting every write goes through (stringData folding is part of v1 -> internal conversion). */
  private decode(t: TypeDef, input: KObject, namespace: string | undefined): { obj: KObject; schemaErrs: ReturnType<typeof schemaErrors> } {
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('Object is not a JSON object');
    const obj = clone(input) as Obj;
    if (obj.kind && obj.kind !== t.kind) {
      throw badRequest(`${t.kind} in version ${JSON.stringify(t.version)} cannot be handled as a ${t.kind}: the kind in the data (${obj.kind}) does not match the expected kind`);
    }
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {};
    if (t.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    else delete obj.metadata.namespace;
    if (t.kind === 'Secret' && t.group === '' && obj.stringData && typeof obj.stringData === 'object') {
      obj.data = { ...(obj.data ?? {}) };
      for (const [k, v] of Object.entries(obj.stringData as Record<string, unknown>)) {
        obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      }
      delete obj.stringData;
    }
    const schemaErrs = schemaErrors(t, obj as KObject);
    applyDefaults(t, obj as KObject);
    return { obj: obj as KObject, schemaErrs };
  }

  private requireNamespace(t: TypeDef, namespace: string | undefined) {
    if (!t.namespaced || !namespace) return;
    const nsType = this.builtins.get('/namespaces')!;
    const ns = this.bucket(typeKey(nsType)).get(namespace);
    if (!ns) throw notFound(nsType, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(t, undefined, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  create(type: ResourceType, input: KObject, options: WriteOptions = {}): KObject {
    const v = this.viewOf(type);
    if (v) return v.view.fromStorage(this.create(v.storage, v.view.toStorage(input), options));
    const t = this.assertServed(type);
    if (!t.verbs.includes('create')) throw methodNotSupported(t, 'create');
    const namespace = t.namespaced ? (input?.metadata?.namespace as string | undefined) : undefined;
    const { obj, schemaErrs } = this.decode(t, input, namespace);
    const m = obj.metadata;
    this.requireNamespace(t, m.namespace);
    if (m.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    this.admit(t, obj);

    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields', 'selfLink']) {
      delete m[k];
    }
    if (!m.name && m.generateName) m.name = m.generateName + randomSuffix();
    m.uid = randomUUID();
    m.creationTimestamp = now();
    if (t.generation) m.generation = 1;
    prepareForCreate(t, obj);

    const errs = [...schemaErrs, ...validateObject(t, obj)];
    if (errs.length) throw invalid(t, m.name ?? '', errs);

    const bucket = this.bucket(typeKey(t));
    if (bucket.has(objKey(m.namespace, m.name!))) {
      if (input.metadata?.name || !m.generateName) throw alreadyExists(t, m.name!);
      // A generated name collided: the apiserver retries with another suffix.
      let tries = 0;
      do m.name = m.generateName + randomSuffix();
      while (bucket.has(objKey(m.namespace, m.name!)) && ++tries < 8);
    }
    if (options.dryRun) return this.present(t, obj);

    m.resourceVersion = String(++this.rv);
    bucket.set(objKey(m.namespace, m.name!), obj);
    this.record(t, 'ADDED', obj);
    this.afterCreate(t, obj);
    return this.present(t, obj);
  }

  update(type: ResourceType, input: KObject, options: WriteOptions = {}): KObject {
    const v = this.viewOf(type);
    if (v) return v.view.fromStorage(this.update(v.storage, v.view.toStorage(input), options));
    const t = this.assertServed(type);
    const name = input?.metadata?.name;
    if (!name) throw invalid(t, '', [fieldErr.required('metadata.name', 'name or generateName is required')]);
    const namespace = t.namespaced ? (input.metadata.namespace as string | undefined) : undefined;
    const bucket = this.bucket(typeKey(t));
    const key = objKey(namespace, name);
    const old = bucket.get(key);
    const status = options.subresource === 'status';
    if (!old) {
      if (t.allowCreateOnUpdate && !status) {
        const c = clone(input);
        delete c.metadata.resourceVersion;
        return this.create(t, c, options);
      }
      throw notFound(t, name);
    }
    const { obj, schemaErrs } = this.decode(t, input, namespace);
    const m = obj.metadata;
    const oldMeta = old.metadata;
    if (m.resourceVersion && m.resourceVersion !== oldMeta.resourceVersion) throw conflict(t, name, STALE_OBJECT);
    if (!m.resourceVersion && !t.allowUnconditionalUpdate) {
      throw invalid(t, name, [{ type: 'FieldValueInvalid', field: 'metadata.resourceVersion', body: 'Invalid value: 0x0: must be specified for an update' }]);
    }
    if (m.uid && m.uid !== oldMeta.uid) {
      throw conflict(t, name, `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${oldMeta.uid}`);
    }

    let next: Obj;
    if (status) {
      // The status subresource changes status only.
      next = clone(old) as Obj;
      next.status = (obj as Obj).status;
      if (next.status === undefined) delete next.status;
    } else {
      next = obj as Obj;
      if (t.subresources?.includes('status')) {
        if ((old as Obj).status === undefined) delete next.status;
        else next.status = clone((old as Obj).status);
      }
    }
    const nm = next.metadata;
    nm.uid = oldMeta.uid;
    nm.creationTimestamp = oldMeta.creationTimestamp;
    nm.resourceVersion = oldMeta.resourceVersion;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
      if (oldMeta[k] !== undefined) nm[k] = oldMeta[k];
      else delete nm[k];
    }
    delete nm.managedFields;
    if (t.generation) {
      nm.generation = oldMeta.generation ?? 1;
      if (!status && !deepEqual(specOf(next as KObject), specOf(old))) nm.generation = (oldMeta.generation ?? 1) + 1;
    } else delete nm.generation;

    const errs = [...(status ? [] : schemaErrs), ...validateObject(t, next as KObject), ...validateUpdate(t, next as KObject, old)];
    if (errs.length) throw invalid(t, name, errs);

    // An update that changes nothing keeps the resourceVersion and emits no event.
    if (deepEqual(next, old)) return this.present(t, old);
    if (options.dryRun) return this.present(t, next as KObject);

    // The last finalizer removed from an object being deleted: it goes away now.
    if (nm.deletionTimestamp && !(nm.finalizers ?? []).length) {
      bucket.delete(key);
      nm.resourceVersion = String(++this.rv);
      this.record(t, 'DELETED', next as KObject);
      this.afterDelete(t, next as KObject);
      return this.present(t, next as KObject);
    }
    nm.resourceVersion = String(++this.rv);
    bucket.set(key, next as KObject);
    this.record(t, 'MODIFIED', next as KObject, old);
    this.afterUpdate(t, next as KObject);
    return this.present(t, next as KObject);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KObject {
    const v = this.viewOf(type);
    if (v) return v.view.fromStorage(this.delete(v.storage, namespace, name, options));
    const t = this.assertServed(type);
    const ns = t.namespaced ? namespace : undefined;
    const bucket = this.bucket(typeKey(t));
    const key = objKey(ns, name);
    const old = bucket.get(key);
    if (!old) throw notFound(t, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(t, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const finalizers = (old.metadata.finalizers as string[] | undefined) ?? [];
    const isNamespace = t.group === '' && t.resource === 'namespaces';
    if (finalizers.length && !isNamespace) {
      // Graceful: mark it; it goes away when the last finalizer is removed.
      if (old.metadata.deletionTimestamp) return this.present(t, old);
      const next = clone(old);
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (options.dryRun) return this.present(t, next);
      next.metadata.resourceVersion = String(++this.rv);
      bucket.set(key, next);
      this.record(t, 'MODIFIED', next, old);
      return this.present(t, next);
    }
    if (options.dryRun) return this.present(t, old);
    const gone = clone(old);
    if (isNamespace) {
      // The namespace controller's work, done at once: content first, then the namespace.
      gone.metadata.deletionTimestamp = now();
      (gone as Obj).status = { ...((gone as Obj).status ?? {}), phase: 'Terminating' };
      this.deleteNamespaceContent(name);
    }
    bucket.delete(key);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record(t, 'DELETED', gone);
    this.afterDelete(t, gone);
    return this.present(t, gone);
  }

  deleteCollection(type: ResourceType, namespace: string | undefined, options: ListOptions & { dryRun?: boolean } = {}): KObject[] {
    const v = this.viewOf(type);
    if (v) return this.deleteCollection(v.storage, namespace, this.viewOptions(v.view, options)).map((o) => v.view.fromStorage(o));
    const t = this.assertServed(type);
    const { items } = this.list(t, namespace, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    const out: KObject[] = [];
    for (const o of items) {
      try {
        out.push(this.delete(t, o.metadata.namespace, o.metadata.name!, { dryRun: options.dryRun }));
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  private deleteNamespaceContent(ns: string) {
    for (const t of this.types()) {
      if (!t.namespaced) continue;
      const bucket = this.bucket(typeKey(t));
      for (const [k, o] of [...bucket.entries()]) {
        if (o.metadata.namespace !== ns) continue;
        bucket.delete(k);
        const gone = clone(o);
        gone.metadata.resourceVersion = String(++this.rv);
        this.record(t, 'DELETED', gone);
      }
    }
  }

  /** pods/binding: what the scheduler does, the one way spec.nodeName changes after create. */
  bindPod(namespace: string, name: string, node: string): KObject {
    const t = this.builtins.get('/pods')!;
    const bucket = this.bucket(typeKey(t));
    const key = objKey(namespace, name);
    const old = bucket.get(key) as Obj | undefined;
    if (!old) throw notFound(t, name);
    if (old.spec?.nodeName) {
      throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is already assigned to node ${JSON.stringify(old.spec.nodeName)}`);
    }
    if (old.metadata.deletionTimestamp) throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    const next = clone(old);
    next.spec.nodeName = node;
    next.status ??= {};
    const conditions = ((next.status.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() });
    next.status.conditions = conditions;
    next.metadata.resourceVersion = String(++this.rv);
    bucket.set(key, next as KObject);
    this.record(t, 'MODIFIED', next as KObject, old as KObject);
    return this.present(t, next as KObject);
  }

  // ---------------- admission and controllers ----------------

  private admit(t: TypeDef, obj: KObject) {
    if (t.group === '' && t.resource === 'pods') this.admitPod(t, obj as Obj);
  }

  /** plugin/pkg/admission/serviceaccount + DefaultTolerationSeconds. */
  private admitPod(t: TypeDef, pod: Obj) {
    const spec = (pod.spec ??= {});
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
    const ns = pod.metadata.namespace as string;
    const saType = this.builtins.get('/serviceaccounts')!;
    const sa = this.bucket(typeKey(saType)).get(objKey(ns, spec.serviceAccountName)) as Obj | undefined;
    if (!sa) {
      const who = pod.metadata.name || pod.metadata.generateName || 'Unknown';
      throw forbidden(t, who, `error looking up service account ${ns}/${spec.serviceAccountName}: serviceaccount ${JSON.stringify(spec.serviceAccountName)} not found`);
    }
    if (!Array.isArray(spec.imagePullSecrets) || spec.imagePullSecrets.length === 0) {
      const fromSa = ((sa.imagePullSecrets ?? []) as Obj[]).map((s) => ({ name: s.name }));
      if (fromSa.length) spec.imagePullSecrets = fromSa;
    }
    const tolerations: Obj[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((x) => x?.key === key || (x?.operator === 'Exists' && !x?.key))) {
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
      }
    }
    spec.tolerations = tolerations;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  }

  private afterCreate(t: TypeDef, obj: KObject) {
    if (t.group === '' && t.resource === 'namespaces') {
      // The serviceaccounts controller: every namespace gets "default".
      const saType = this.builtins.get('/serviceaccounts')!;
      if (!this.bucket(typeKey(saType)).has(objKey(obj.metadata.name, 'default'))) {
        this.create(saType, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: obj.metadata.name } });
      }
    }
    if (typeKey(t) === CRD_KEY) this.crdChanged(obj);
  }

  private afterUpdate(t: TypeDef, obj: KObject) {
    if (typeKey(t) === CRD_KEY) this.crdChanged(obj);
  }

  private afterDelete(t: TypeDef, obj: KObject) {
    if (typeKey(t) === CRD_KEY) {
      const ct = typeFromCrd(obj);
      if (ct) {
        // Deleting a CRD deletes its custom resources.
        const bucket = this.bucket(typeKey(ct));
        for (const [k, o] of [...bucket.entries()]) {
          bucket.delete(k);
          const gone = clone(o);
          gone.metadata.resourceVersion = String(++this.rv);
          this.record(ct, 'DELETED', gone);
        }
      }
      this.refreshCustomTypes();
    }
  }

  /** The CRD controller: accept names, mark Established, serve the type. */
  private crdChanged(crd: KObject) {
    const o = crd as Obj;
    const names = o.spec?.names;
    const wanted = {
      acceptedNames: names,
      storedVersions: (o.spec?.versions ?? []).filter((v: Obj) => v.storage).map((v: Obj) => v.name),
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: o.metadata.creationTimestamp },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: o.metadata.creationTimestamp },
      ],
    };
    this.refreshCustomTypes();
    if (!deepEqual(o.status, wanted)) {
      const bucket = this.bucket(CRD_KEY);
      const cur = bucket.get(o.metadata.name);
      if (!cur) return;
      const next = clone(cur) as Obj;
      next.status = wanted;
      next.metadata.resourceVersion = String(++this.rv);
      bucket.set(o.metadata.name, next as KObject);
      this.record(this.builtins.get(CRD_KEY)!, 'MODIFIED', next as KObject, cur);
    }
  }

  // ---------------- watch ----------------

  private record(t: TypeDef, type: HistoryEntry['type'], obj: KObject, prev?: KObject) {
    const entry: HistoryEntry = { rv: Number(obj.metadata.resourceVersion), tkey: typeKey(t), type, obj: clone(obj), prev: prev && clone(prev) };
    this.history.push(entry);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldestRV = dropped[dropped.length - 1].rv;
    }
    for (const s of this.subscribers) this.deliver(s, t, entry);
    this.schedulePersist();
  }

  private deliver(s: Subscriber, t: TypeDef, e: HistoryEntry) {
    if (s.tkey !== e.tkey) return;
    if (s.namespace && e.obj.metadata.namespace !== s.namespace) return;
    const now = s.matches(e.obj);
    if (e.type === 'MODIFIED' && e.prev) {
      // Selector-filtered watches see objects enter and leave the selection as ADDED and DELETED.
      const before = s.matches(e.prev);
      if (now && before) s.onEvent({ type: 'MODIFIED', object: this.present(t, e.obj) });
      else if (now) s.onEvent({ type: 'ADDED', object: this.present(t, e.obj) });
      else if (before) s.onEvent({ type: 'DELETED', object: this.present(t, e.obj) });
      return;
    }
    if (now) s.onEvent({ type: e.type, object: this.present(t, e.obj) });
  }

  watch(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions & { resourceVersion?: string },
    onEvent: (event: WatchEvent) => void,
  ): () => void {
    const v = this.viewOf(type);
    if (v) {
      return this.watch(v.storage, namespace, this.viewOptions(v.view, options), (e) =>
        onEvent(e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED' ? { type: e.type, object: v.view.fromStorage(e.object) } : e),
      );
    }
    const t = this.assertServed(type);
    const matches = this.compileFilter(t, options);
    const sub: Subscriber = { tkey: typeKey(t), namespace: t.namespaced ? namespace : undefined, matches, onEvent };
    const rvText = options.resourceVersion;
    if (!rvText || rvText === '0') {
      // No resourceVersion: the current state as ADDED events, then changes.
      for (const o of this.list(t, namespace, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector }).items) {
        onEvent({ type: 'ADDED', object: o });
      }
    } else {
      if (!/^\d+$/.test(rvText)) throw badRequest(`invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rvText)}: invalid syntax`);
      const from = Number(rvText);
      if (from < this.oldestRV) throw expired(`too old resource version: ${from} (${this.oldestRV})`);
      for (const e of this.history) if (e.rv > from) this.deliver(sub, t, e);
    }
    this.subscribers.add(sub);
    return () => {
      this.subscribers.delete(sub);
    };
  }

  // ---------------- persistence ----------------

  private load(file: string) {
    try {
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { resourceVersion: number; objects: Record<string, KObject[]> };
      this.rv = Number(state.resourceVersion) || 0;
      for (const [tkey, objs] of Object.entries(state.objects ?? {})) {
        const b = this.bucket(tkey);
        for (const o of objs) b.set(objKey(o.metadata.namespace, o.metadata.name!), o);
      }
    } catch (e) {
      // A broken state file is kept aside, never silently overwritten.
      const aside = `${file}.broken-${Date.now()}`;
      fs.renameSync(file, aside);
      console.error(`[apiserver] state.json unreadable (${(e as Error).message}); moved to ${aside}, starting empty`);
    }
  }

  private schedulePersist() {
    if (!this.options.file || this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persistNow();
    }, this.options.persistDelayMs ?? 200);
    this.persistTimer.unref?.();
  }

  /** Writes state.json atomically (temp file + rename). */
  persistNow(): void {
    const file = this.options.file;
    if (!file) return;
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
    }
    const objects: Record<string, KObject[]> = {};
    for (const [tkey, b] of this.data) if (b.size) objects[tkey] = [...b.values()];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ resourceVersion: this.rv, objects }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** Stops watches and writes pending state. */
  close(): void {
    this.subscribers.clear();
    if (this.persistTimer) this.persistNow();
  }

  isEmpty(): boolean {
    return !this.bucket('/namespaces').size;
  }
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
function specOf(o: KObject): Obj {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o as Obj;
  return rest;
}

function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The continue token has the apiserver's shape (base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}).
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token');
    return { rv: t.rv, start: t.start };
  } catch {
    throw badRequest('continue key is not valid: invalid continue token');
  }
}
