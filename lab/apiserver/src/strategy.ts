// Per-kind behaviour of the apiserver's registry: defaulting (SetDefaults_*), PrepareForCreate/Update
// (status resets), validation (pkg/apis/<group>/validation) and the admission plugins the lab needs.
import type { KObject } from './contract';
import { fieldErr, type FieldError, formatValue } from './errors';
import { checkName, isConfigMapKey, isDNS1123Label, isQualifiedName, isValidLabelValue } from './names';
import { deepEqual } from './patch';
import type { TypeDef } from './types';

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------- defaulting ----------------

function defaultContainer(c: Obj) {
  if (!isObj(c)) return;
  if (!c.imagePullPolicy && typeof c.image === 'string') {
    // SetDefaults_Container: Always for :latest or no tag (and no digest), IfNotPresent otherwise.
    const ref = c.image as string;
    const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
    const hasDigest = ref.includes('@');
    const tag = !hasDigest && lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
    c.imagePullPolicy = !hasDigest && (tag === '' || tag === 'latest') ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Obj | undefined) {
  if (!isObj(spec)) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(spec[list])) for (const c of spec[list]) defaultContainer(c);
  }
}

function defaultTemplate(spec: Obj | undefined) {
  if (isObj(spec?.template)) defaultPodSpec(spec!.template.spec);
}

export function applyDefaults(type: TypeDef, obj: KObject): void {
  const o = obj as Obj;
  if (type.custom) return;
  switch (`${type.group}/${type.kind}`) {
    case '/Secret':
      o.type ||= 'Opaque';
      break;
    case '/Namespace':
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec ??= {};
      o.spec.finalizers ??= ['kubernetes'];
      break;
    case '/Pod':
      o.spec ??= {};
      defaultPodSpec(o.spec);
      break;
    case '/Service': {
      const s = (o.spec ??= {});
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.type !== 'ExternalName') {
        s.internalTrafficPolicy ??= 'Cluster';
        s.ipFamilyPolicy ??= 'SingleStack';
        s.ipFamilies ??= ['IPv4'];
      }
      if (Array.isArray(s.ports))
        for (const p of s.ports)
          if (isObj(p)) {
            p.protocol ??= 'TCP';
            p.targetPort ??= p.port;
          }
      break;
    }
    case 'apps/Deployment': {
      const s = (o.spec ??= {});
      s.replicas ??= 1;
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      s.strategy ??= {};
      s.strategy.type ??= 'RollingUpdate';
      if (s.strategy.type === 'RollingUpdate') {
        s.strategy.rollingUpdate ??= {};
        s.strategy.rollingUpdate.maxUnavailable ??= '25%';
        s.strategy.rollingUpdate.maxSurge ??= '25%';
      }
      defaultTemplate(s);
      break;
    }
    case 'apps/StatefulSet': {
      const s = (o.spec ??= {});
      s.replicas ??= 1;
      s.podManagementPolicy ??= 'OrderedReady';
      s.revisionHistoryLimit ??= 10;
      s.updateStrategy ??= { type: 'RollingUpdate' };
      if (s.updateStrategy.type === 'RollingUpdate') s.updateStrategy.rollingUpdate ??= { partition: 0 };
      s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultTemplate(s);
      break;
    }
    case 'apps/DaemonSet': {
      const s = (o.spec ??= {});
      s.revisionHistoryLimit ??= 10;
      s.updateStrategy ??= { type: 'RollingUpdate' };
      if (s.updateStrategy.type === 'RollingUpdate') s.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
      defaultTemplate(s);
      break;
    }
    case 'apps/ReplicaSet': {
      const s = (o.spec ??= {});
      s.replicas ??= 1;
      defaultTemplate(s);
      break;
    }
    case 'batch/Job': {
      const s = (o.spec ??= {});
      s.parallelism ??= 1;
      s.completions ??= s.parallelism === 1 ? 1 : s.completions;
      s.backoffLimit ??= 6;
      s.completionMode ??= 'NonIndexed';
      s.suspend ??= false;
      s.podReplacementPolicy ??= 'TerminatingOrFailed';
      defaultTemplate(s);
      break;
    }
    case 'batch/CronJob': {
      const s = (o.spec ??= {});
      s.concurrencyPolicy ??= 'Allow';
      s.suspend ??= false;
      s.successfulJobsHistoryLimit ??= 3;
      s.failedJobsHistoryLimit ??= 1;
      if (isObj(s.jobTemplate?.spec)) defaultTemplate(s.jobTemplate.spec);
      break;
    }
    case 'networking.k8s.io/NetworkPolicy': {
      const s = (o.spec ??= {});
      if (!s.policyTypes) s.policyTypes = s.egress ? ['Ingress', 'Egress'] : ['Ingress'];
      break;
    }
  }
}

/** PrepareForCreate: status the client may not set on create. */
export function prepareForCreate(type: TypeDef, obj: KObject): void {
  const o = obj as Obj;
  const k = `${type.group}/${type.kind}`;
  if (k === '/Namespace') o.status = { phase: 'Active' };
  else if (k === '/Pod') o.status = { phase: 'Pending', qosClass: qosClass(o.spec) };
  else if (k === '/Service') {
    o.status = { loadBalancer: {} };
    const s = (o.spec ??= {});
    // The service IP allocator (10.96.0.0/12 is kubeadm's default range).
    if (s.type !== 'ExternalName' && !s.clusterIP) {
      s.clusterIP = `10.96.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    }
    if (s.clusterIP && !s.clusterIPs) s.clusterIPs = [s.clusterIP];
    if (s.type === 'NodePort' || s.type === 'LoadBalancer') {
      s.externalTrafficPolicy ??= 'Cluster';
      // The node port allocator's default range.
      for (const p of (s.ports ?? []) as Obj[]) if (isObj(p) && !p.nodePort) p.nodePort = 30000 + Math.floor(Math.random() * 2768);
    }
  }
  else if (k === 'batch/Job') {
    // The job controller's selector and labels (manualSelector unset).
    const uid = o.metadata.uid;
    const s = (o.spec ??= {});
    if (!s.manualSelector && uid) {
      const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': o.metadata.name, 'controller-uid': uid, 'job-name': o.metadata.name };
      s.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      if (isObj(s.template)) {
        s.template.metadata ??= {};
        s.template.metadata.labels = { ...(s.template.metadata.labels ?? {}), ...labels };
      }
    }
    o.status = {};
  } else if (k === '/Node') {
    // Nodes keep what the kubelet reports.
  } else if (type.subresources?.includes('status')) {
    if (type.custom) delete o.status;
    else o.status = {};
  }
}

function qosClass(spec: Obj | undefined): string {
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].filter(isObj);
  const hasAny = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!hasAny) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? {};
    return l.cpu && l.memory && (!r.cpu || r.cpu === l.cpu) && (!r.memory || r.memory === l.memory);
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ---------------- validation ----------------

function validateMeta(type: TypeDef, obj: Obj, errs: FieldError[]) {
  const m = obj.metadata ?? {};
  if (!m.name && !m.generateName) errs.push(fieldErr.required('metadata.name', 'name or generateName is required'));
  else if (m.name) for (const msg of checkName(type.nameRule, m.name)) errs.push(fieldErr.invalid('metadata.name', m.name, msg));
  if (type.namespaced && !m.namespace) errs.push(fieldErr.required('metadata.namespace'));
  if (!type.namespaced && m.namespace) errs.push(fieldErr.forbidden('metadata.namespace', 'not allowed on this type'));
  if (m.labels !== undefined) {
    for (const [k, v] of Object.entries(m.labels ?? {})) {
      for (const msg of isQualifiedName(k)) errs.push(fieldErr.invalid('metadata.labels', k, msg));
      if (typeof v === 'string') for (const msg of isValidLabelValue(v)) errs.push(fieldErr.invalid('metadata.labels', v, msg));
    }
  }
  if (m.annotations !== undefined) {
    let size = 0;
    for (const [k, v] of Object.entries(m.annotations ?? {})) {
      for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid('metadata.annotations', k, msg));
      size += k.length + String(v).length;
    }
    if (size > 256 * 1024) errs.push(fieldErr.tooLong('metadata.annotations', 256 * 1024));
  }
}

function validateContainers(list: unknown, path: string, errs: FieldError[], required: boolean, names: Set<string>) {
  if (!Array.isArray(list) || list.length === 0) {
    if (required) errs.push(fieldErr.required(path));
    return;
  }
  list.forEach((c: Obj, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(c)) return;
    if (!c.name) errs.push(fieldErr.required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(fieldErr.invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(fieldErr.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || (typeof c.image === 'string' && c.image.trim() === '')) errs.push(fieldErr.required(`${p}.image`));
    if (c.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      errs.push(fieldErr.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    }
    if (Array.isArray(c.ports))
      c.ports.forEach((port: Obj, j: number) => {
        const cp = port?.containerPort;
        if (typeof cp === 'number' && (cp < 1 || cp > 65535)) {
          errs.push(fieldErr.invalid(`${p}.ports[${j}].containerPort`, cp, 'must be between 1 and 65535, inclusive'));
        }
      });
  });
}

export function validatePodSpec(spec: Obj | undefined, path: string, errs: FieldError[], restartPolicies?: string[]) {
  if (!isObj(spec)) {
    errs.push(fieldErr.required(`${path}.containers`));
    return;
  }
  const names = new Set<string>();
  validateContainers(spec.containers, `${path}.containers`, errs, true, names);
  validateContainers(spec.initContainers, `${path}.initContainers`, errs, false, names);
  const allowed = ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy && !allowed.includes(spec.restartPolicy)) {
    errs.push(fieldErr.notSupported(`${path}.restartPolicy`, spec.restartPolicy, allowed));
  } else if (restartPolicies && !restartPolicies.includes(spec.restartPolicy)) {
    errs.push(fieldErr.notSupported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  }
  if (Array.isArray(spec.imagePullSecrets)) {
    spec.imagePullSecrets.forEach((s: Obj, i: number) => {
      if (!s?.name) errs.push(fieldErr.required(`${path}.imagePullSecrets[${i}].name`));
    });
  }
  if (Array.isArray(spec.volumes)) {
    const vn = new Set<string>();
    spec.volumes.forEach((v: Obj, i: number) => {
      if (!v?.name) errs.push(fieldErr.required(`${path}.volumes[${i}].name`));
      else if (vn.has(v.name)) errs.push(fieldErr.duplicate(`${path}.volumes[${i}].name`, v.name));
      else vn.add(v.name);
    });
  }
  if (spec.serviceAccountName) {
    for (const msg of checkName('subdomain', spec.serviceAccountName)) errs.push(fieldErr.invalid(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
  }
}

function selectorMatches(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of (selector?.matchExpressions ?? []) as Obj[]) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const val = l[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(val)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(val)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function validateWorkload(o: Obj, errs: FieldError[], restartPolicies: string[], needSelector = true) {
  const s = o.spec;
  if (!isObj(s)) {
    errs.push(fieldErr.required('spec'));
    return;
  }
  if (needSelector) {
    const sel = s.selector;
    if (!isObj(sel)) errs.push(fieldErr.required('spec.selector'));
    else if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      errs.push(fieldErr.invalid('spec.selector', sel, 'empty selector is invalid for deployment'));
    } else if (!selectorMatches(sel, s.template?.metadata?.labels)) {
      errs.push(fieldErr.invalid('spec.template.metadata.labels', s.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  if (typeof s.replicas === 'number' && s.replicas < 0) errs.push(fieldErr.invalid('spec.replicas', s.replicas, 'must be greater than or equal to 0'));
  if (!isObj(s.template)) errs.push(fieldErr.required('spec.template'));
  else validatePodSpec(s.template.spec, 'spec.template.spec', errs, restartPolicies);
}

function validateSecretData(o: Obj, errs: FieldError[]) {
  let total = 0;
  for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, string>)) {
    for (const msg of isConfigMapKey(k)) errs.push(fieldErr.invalid(`data[${k}]`, k, msg));
    total += Buffer.from(String(v), 'base64').length;
  }
  if (total > 1024 * 1024) errs.push(fieldErr.tooLong('data', 1024 * 1024));
  const data = (o.data ?? {}) as Record<string, string>;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const decoded = (k: string) => Buffer.from(data[k] ?? '', 'base64').toString('utf8');
  const jsonCheck = (key: string) => {
    if (!has(key)) {
      errs.push(fieldErr.required(`data[${key}]`));
      return;
    }
    const err = goJsonObjectError(decoded(key));
    if (err) errs.push(fieldErr.invalid(`data[${key}]`, '<secret contents redacted>', err));
  };
  switch (o.type) {
    case 'kubernetes.io/dockerconfigjson':
      jsonCheck('.dockerconfigjson');
      break;
    case 'kubernetes.io/dockercfg':
      jsonCheck('.dockercfg');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fieldErr.required('data[username]'));
        errs.push(fieldErr.required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(fieldErr.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErr.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(fieldErr.required('data[tls.key]'));
      break;
    case 'kubernetes.io/service-account-token':
      if (!o.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(fieldErr.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
  }
}

/** What encoding/json.Unmarshal into map[string]interface{} says about text, or undefined when it decodes. */
export function goJsonObjectError(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return 'unexpected end of JSON input';
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const pos = m ? Number(m[1]) : 0;
    if (pos >= t.length) return 'unexpected end of JSON input';
    const ch = t[pos] ?? t[0];
    return pos === 0 ? `invalid character '${ch}' looking for beginning of value` : `invalid character '${ch}' after top-level value`;
  }
  if (!isObj(v)) {
    const kind = Array.isArray(v) ? 'array' : v === null ? undefined : typeof v === 'boolean' ? 'bool' : typeof v;
    if (kind) return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  }
  return undefined;
}

/** The kind's validation on create (and the shared part on update). */
export function validateObject(type: TypeDef, obj: KObject): FieldError[] {
  const o = obj as Obj;
  const errs: FieldError[] = [];
  validateMeta(type, o, errs);
  if (type.custom) return errs;
  switch (`${type.group}/${type.kind}`) {
    case '/Secret':
      validateSecretData(o, errs);
      break;
    case '/ConfigMap': {
      const seen = new Set<string>();
      for (const field of ['data', 'binaryData']) {
        for (const k of Object.keys(o[field] ?? {})) {
          for (const msg of isConfigMapKey(k)) errs.push(fieldErr.invalid(`${field}[${k}]`, k, msg));
          if (seen.has(k)) errs.push(fieldErr.invalid(`${field}[${k}]`, k, 'duplicate of key present in data'));
          seen.add(k);
        }
      }
      break;
    }
    case '/Pod':
      validatePodSpec(o.spec, 'spec', errs);
      break;
    case 'apps/Deployment':
      validateWorkload(o, errs, ['Always']);
      break;
    case 'apps/ReplicaSet':
    case 'apps/DaemonSet':
      validateWorkload(o, errs, ['Always']);
      break;
    case 'apps/StatefulSet':
      validateWorkload(o, errs, ['Always']);
      break;
    case 'batch/Job':
      validateWorkload(o, errs, ['OnFailure', 'Never'], false);
      break;
    case 'batch/CronJob': {
      const s = o.spec;
      if (!isObj(s)) errs.push(fieldErr.required('spec'));
      else {
        if (!s.schedule) errs.push(fieldErr.required('spec.schedule'));
        else if (String(s.schedule).trim().split(/\s+/).length !== 5 && !String(s.schedule).startsWith('@')) {
          errs.push(fieldErr.invalid('spec.schedule', s.schedule, `expected exactly 5 fields, found ${String(s.schedule).trim().split(/\s+/).length}: ${s.schedule}`));
        }
        if (!['Allow', 'Forbid', 'Replace'].includes(s.concurrencyPolicy)) {
          errs.push(fieldErr.notSupported('spec.concurrencyPolicy', s.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
        }
        const t = s.jobTemplate?.spec?.template;
        if (!isObj(t)) errs.push(fieldErr.required('spec.jobTemplate.spec.template'));
        else validatePodSpec(t.spec, 'spec.jobTemplate.spec.template.spec', errs, ['OnFailure', 'Never']);
      }
      if ((o.metadata?.name ?? '').length > 52) errs.push(fieldErr.invalid('metadata.name', o.metadata.name, 'must be no more than 52 characters'));
      break;
    }
    case '/Service': {
      const s = o.spec ?? {};
      const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
      if (!types.includes(s.type)) errs.push(fieldErr.notSupported('spec.type', s.type, types));
      if (s.type !== 'ExternalName' && s.clusterIP !== 'None' && !(s.ports ?? []).length) errs.push(fieldErr.required('spec.ports'));
      (s.ports ?? []).forEach((p: Obj, i: number) => {
        if (typeof p?.port !== 'number' || p.port < 1 || p.port > 65535) {
          errs.push(fieldErr.invalid(`spec.ports[${i}].port`, p?.port ?? 0, 'must be between 1 and 65535, inclusive'));
        }
        if ((s.ports.length > 1 || p?.name) && !p?.name) errs.push(fieldErr.required(`spec.ports[${i}].name`));
      });
      break;
    }
    case '/Event': {
      const ns = o.involvedObject?.namespace;
      if (ns && ns !== o.metadata?.namespace) errs.push(fieldErr.invalid('involvedObject.namespace', ns, 'does not match event.namespace'));
      break;
    }
    case '/Namespace':
      break;
  }
  return errs;
}

const POD_UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The extra rules an update must pass (immutability). */
export function validateUpdate(type: TypeDef, obj: KObject, old: KObject): FieldError[] {
  const o = obj as Obj;
  const p = old as Obj;
  const errs: FieldError[] = [];
  const immutable = (path: string, a: unknown, b: unknown) => {
    if (!deepEqual(a, b)) errs.push(fieldErr.invalid(path, a ?? '', 'field is immutable'));
  };
  switch (`${type.group}/${type.kind}`) {
    case '/Secret':
    case '/ConfigMap':
      if (type.kind === 'Secret') immutable('type', o.type, p.type);
      if (p.immutable === true) {
        if (o.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
        if (!deepEqual(o.data, p.data)) errs.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
        if (type.kind === 'ConfigMap' && !deepEqual(o.binaryData, p.binaryData)) {
          errs.push(fieldErr.forbidden('binaryData', 'field is immutable when `immutable` is set'));
        }
      }
      break;
    case '/Pod': {
      // Munge the allowed fields from the new spec into the old one; anything else differing is forbidden.
      const munged = structuredClone(o.spec ?? {}) as Obj;
      const oldSpec = (p.spec ?? {}) as Obj;
      for (const list of ['containers', 'initContainers']) {
        if (Array.isArray(munged[list]) && Array.isArray(oldSpec[list]) && munged[list].length === oldSpec[list].length) {
          munged[list].forEach((c: Obj, i: number) => {
            if (isObj(c)) c.image = oldSpec[list][i]?.image;
          });
        }
      }
      munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
      munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
      const oldTol = (oldSpec.tolerations ?? []) as unknown[];
      const newTol = (munged.tolerations ?? []) as unknown[];
      if (oldTol.every((t) => newTol.some((n) => deepEqual(n, t)))) munged.tolerations = oldSpec.tolerations;
      // Scheduling gates may only be removed.
      const oldGates = (oldSpec.schedulingGates ?? []) as unknown[];
      const newGates = (munged.schedulingGates ?? []) as unknown[];
      if (newGates.every((g) => oldGates.some((x) => deepEqual(x, g)))) munged.schedulingGates = oldSpec.schedulingGates;
      for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
      if (!deepEqual(munged, oldSpec)) {
        errs.push(fieldErr.forbidden('spec', `pod updates may not change fields other than ${POD_UPDATABLE.join(',')}\n${specDiff(oldSpec, munged)}`));
      }
      break;
    }
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/DaemonSet':
      immutable('spec.selector', o.spec?.selector, p.spec?.selector);
      break;
    case 'apps/StatefulSet': {
      const strip = (s: Obj) => {
        const c = { ...(s ?? {}) };
        for (const k of ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']) delete c[k];
        return c;
      };
      if (!deepEqual(strip(o.spec), strip(p.spec))) {
        errs.push(
          fieldErr.forbidden(
            'spec',
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          ),
        );
      }
      break;
    }
    case 'batch/Job':
      immutable('spec.selector', o.spec?.selector, p.spec?.selector);
      if (!deepEqual(o.spec?.template, p.spec?.template)) errs.push(fieldErr.invalid('spec.template', o.spec?.template ?? {}, 'field is immutable'));
      immutable('spec.completionMode', o.spec?.completionMode, p.spec?.completionMode);
      break;
    case '/Service':
      if (p.spec?.clusterIP && o.spec?.clusterIP !== p.spec.clusterIP) immutable('spec.clusterIP', o.spec?.clusterIP, p.spec.clusterIP);
      break;
  }
  return errs;
}

/** A short line-diff of two specs, like the cmp.Diff the apiserver appends (not byte-identical). */
function specDiff(a: unknown, b: unknown): string {
  const la = JSON.stringify(a, null, 1).split('\n');
  const lb = JSON.stringify(b, null, 1).split('\n');
  const out = ['  core.PodSpec{'];
  const max = Math.max(la.length, lb.length);
  for (let i = 0; i < max; i++) {
    if (la[i] !== lb[i]) {
      if (la[i] !== undefined) out.push(`- ${la[i].trim()}`);
      if (lb[i] !== undefined) out.push(`+ ${lb[i].trim()}`);
    }
  }
  out.push('  }');
  return out.join('\n');
}

export { formatValue };
