// Validation against the Kubernetes OpenAPI schemas compiled into kubernetes-models.
// What the real apiserver rejects while decoding (a wrong JSON type, bad base64 in a []byte field) answers
// 400 "<Kind> in version "v1" cannot be handled as a <Kind>: …"; what its validation rejects (a missing
// required field, an unsupported enum value) answers 422 Invalid with one cause per field.
import type { KObject } from './contract';
import { badRequest, fieldErr, type FieldError } from './errors';
import type { TypeDef } from './types';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, any>;
  message?: string;
}

import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Endpoints } from 'kubernetes-models/v1/Endpoints';
import { Event } from 'kubernetes-models/v1/Event';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Node } from 'kubernetes-models/v1/Node';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { SelfSubjectAccessReview } from 'kubernetes-models/authorization.k8s.io/v1/SelfSubjectAccessReview';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';

interface ModelClass {
  new (data: any): { validate(): void };
}

// TypeDef.model -> the kubernetes-models class whose validate() checks the OpenAPI schema.
const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/Node': Node,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Pod': Pod,
  'v1/Event': Event,
  'v1/Service': Service,
  'v1/Endpoints': Endpoints,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/ReplicaSet': ReplicaSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': SelfSubjectAccessReview,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': CustomResourceDefinition,
};

/** Keys of these fields are map keys, printed as field[key] like field.Path.Key(). */
const MAP_FIELDS = new Set(['data', 'stringData', 'binaryData', 'labels', 'annotations', 'nodeSelector', 'limits', 'requests', 'capacity', 'allocatable', 'matchLabels']);

export function fieldPath(instancePath: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  parts.forEach((p, i) => {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (i > 0 && MAP_FIELDS.has(parts[i - 1])) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  });
  return out;
}

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: any = obj;
  for (const p of instancePath.split('/').slice(1)) cur = cur?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

/**
 * Checks obj against its kind's schema. Decoding failures throw 400; validation failures are returned as
 * field errors for the caller to merge with the kind's own rules.
 */
export function schemaErrors(type: TypeDef, obj: KObject): FieldError[] {
  if (!type.model) return [];
  const Model = MODELS[type.model];
  if (!Model) return [];
  let errors: AjvError[] = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    errors = ((e as { errors?: AjvError[] }).errors ?? []) as AjvError[];
  }
  const out: FieldError[] = [];
  const decodeErrs: string[] = [];
  for (const err of errors) {
    const path = fieldPath(err.instancePath);
    const value = valueAt(obj, err.instancePath);
    switch (err.keyword) {
      case 'required':
        // The OpenAPI `required` lists of status types (e.g. DaemonSetStatus.currentNumberScheduled) are not
        // enforced by a real apiserver: status is ignored on main-resource writes and validated by the kind's own
        // rules on status writes. Without this, `kubectl patch` of a new DaemonSet's spec fails on its status.
        if (path === 'status' || path.startsWith('status.') || path.startsWith('status[')) break;
        out.push(fieldErr.required(path ? `${path}.${err.params.missingProperty}` : String(err.params.missingProperty)));
        break;
      case 'type':
        decodeErrs.push(`json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${type.kind}.${path} of type ${goType(err.params.type)}`);
        break;
      case 'format':
        if (err.params.format === 'byte') decodeErrs.push(`illegal base64 data at input byte ${firstBadBase64(String(value))}`);
        else if (err.params.format === 'date-time') decodeErrs.push(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
        else out.push(fieldErr.invalid(path, value, err.message ?? `must be ${err.params.format}`));
        break;
      case 'enum':
        out.push(fieldErr.notSupported(path, value, (err.params.allowedValues ?? []).map(String)));
        break;
      case 'oneOf':
      case 'anyOf':
        // int-or-string and friends: a wrong JSON type, which the decoder rejects.
        decodeErrs.push(`json: cannot unmarshal ${jsonTypeName(value)} into Go struct field ${type.kind}.${path} of type intstr.IntOrString`);
        break;
      default:
        out.push(fieldErr.invalid(path, value, err.message ?? err.keyword));
    }
  }
  if (decodeErrs.length) {
    throw badRequest(`${type.kind} in version ${JSON.stringify(type.version)} cannot be handled as a ${type.kind}: ${decodeErrs[0]}`);
  }
  return out;
}

function goType(t: string): string {
  switch (t) {
    case 'integer':
      return 'int32';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    default:
      return t;
  }
}

function firstBadBase64(s: string): number {
  const i = [...s].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
  return i >= 0 ? i : Math.max(0, s.length - (s.length % 4));
}
