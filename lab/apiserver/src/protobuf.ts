// Decoding of Kubernetes protobuf request bodies ("k8s\0" + runtime.Unknown{typeMeta, raw}).
// kubectl 1.32's typed clients (`kubectl create secret|configmap|serviceaccount|namespace|deployment|job|cronjob|
// service`, `kubectl auth can-i`)
// send application/vnd.kubernetes.protobuf and accept JSON back, so the stand-in decodes these kinds' messages
// (field numbers from k8s.io/api/*/generated.proto) into the JSON objects the rest of the server handles.
import { ApiError, type KObject } from './contract';

type FieldType = 'string' | 'bytes' | 'bool' | 'int' | 'time' | 'mapss' | 'mapsb' | 'mapsq' | 'intstr' | 'quantity' | Schema;

interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A pointer field in Go: its zero value is meaningful and kept. */
  keepZero?: boolean;
}

type Schema = Record<number, Field>;

const f = (name: string, type: FieldType, extra: Partial<Field> = {}): Field => ({ name, type, ...extra });

const OwnerReference: Schema = {
  1: f('kind', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  5: f('apiVersion', 'string'),
  6: f('controller', 'bool', { keepZero: true }),
  7: f('blockOwnerDeletion', 'bool', { keepZero: true }),
};

const ObjectMeta: Schema = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  4: f('selfLink', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  9: f('deletionTimestamp', 'time'),
  10: f('deletionGracePeriodSeconds', 'int', { keepZero: true }),
  11: f('labels', 'mapss'),
  12: f('annotations', 'mapss'),
  13: f('ownerReferences', OwnerReference, { repeated: true }),
  14: f('finalizers', 'string', { repeated: true }),
};

const ObjectReference: Schema = {
  1: f('kind', 'string'),
  2: f('namespace', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  5: f('apiVersion', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('fieldPath', 'string'),
};

const LocalObjectReference: Schema = { 1: f('name', 'string') };

const ResourceAttributes: Schema = {
  1: f('namespace', 'string'),
  2: f('verb', 'string'),
  3: f('group', 'string'),
  4: f('version', 'string'),
  5: f('resource', 'string'),
  6: f('subresource', 'string'),
  7: f('name', 'string'),
};

const LabelSelector: Schema = {
  1: f('matchLabels', 'mapss'),
  2: f('matchExpressions', { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', { repeated: true }) }, { repeated: true }),
};

const KeySelector: Schema = { 1: f('localObjectReference', LocalObjectReference), 2: f('key', 'string'), 3: f('optional', 'bool', { keepZero: true }) };

const EnvVar: Schema = {
  1: f('name', 'string'),
  2: f('value', 'string'),
  3: f('valueFrom', {
    1: f('fieldRef', { 1: f('apiVersion', 'string'), 2: f('fieldPath', 'string') }),
    3: f('configMapKeyRef', KeySelector),
    4: f('secretKeyRef', KeySelector),
  }),
};

const Container: Schema = {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', { repeated: true }),
  4: f('args', 'string', { repeated: true }),
  5: f('workingDir', 'string'),
  6: f('ports', { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') }, { repeated: true }),
  7: f('env', EnvVar, { repeated: true }),
  8: f('resources', { 1: f('limits', 'mapsq'), 2: f('requests', 'mapsq') }),
  9: f('volumeMounts', { 1: f('name', 'string'), 2: f('readOnly', 'bool'), 3: f('mountPath', 'string'), 4: f('subPath', 'string') }, { repeated: true }),
  13: f('terminationMessagePath', 'string'),
  14: f('imagePullPolicy', 'string'),
  16: f('stdin', 'bool'),
  17: f('stdinOnce', 'bool'),
  18: f('tty', 'bool'),
  20: f('terminationMessagePolicy', 'string'),
};

const PodSpec: Schema = {
  2: f('containers', Container, { repeated: true }),
  3: f('restartPolicy', 'string'),
  4: f('terminationGracePeriodSeconds', 'int', { keepZero: true }),
  5: f('activeDeadlineSeconds', 'int', { keepZero: true }),
  6: f('dnsPolicy', 'string'),
  7: f('nodeSelector', 'mapss'),
  8: f('serviceAccountName', 'string'),
  10: f('nodeName', 'string'),
  11: f('hostNetwork', 'bool'),
  15: f('imagePullSecrets', LocalObjectReference, { repeated: true }),
  16: f('hostname', 'string'),
  17: f('subdomain', 'string'),
  19: f('schedulerName', 'string'),
  20: f('initContainers', Container, { repeated: true }),
  22: f('tolerations', { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('value', 'string'), 4: f('effect', 'string'), 5: f('tolerationSeconds', 'int', { keepZero: true }) }, { repeated: true }),
  24: f('priorityClassName', 'string'),
};

const PodTemplateSpec: Schema = { 1: f('metadata', ObjectMeta), 2: f('spec', PodSpec) };

const JobSpec: Schema = {
  1: f('parallelism', 'int', { keepZero: true }),
  2: f('completions', 'int', { keepZero: true }),
  3: f('activeDeadlineSeconds', 'int', { keepZero: true }),
  4: f('selector', LabelSelector),
  5: f('manualSelector', 'bool', { keepZero: true }),
  6: f('template', PodTemplateSpec),
  7: f('backoffLimit', 'int', { keepZero: true }),
  8: f('ttlSecondsAfterFinished', 'int', { keepZero: true }),
  9: f('completionMode', 'string'),
  10: f('suspend', 'bool', { keepZero: true }),
};

const KINDS: Record<string, Schema> = {
  'v1/Pod': { 1: f('metadata', ObjectMeta), 2: f('spec', PodSpec) },
  'v1/Service': {
    1: f('metadata', ObjectMeta),
    2: f('spec', {
      1: f('ports', { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'intstr'), 5: f('nodePort', 'int'), 6: f('appProtocol', 'string') }, { repeated: true }),
      2: f('selector', 'mapss'),
      3: f('clusterIP', 'string'),
      4: f('type', 'string'),
      5: f('externalIPs', 'string', { repeated: true }),
      7: f('sessionAffinity', 'string'),
      10: f('externalName', 'string'),
    }),
  },
  'apps/v1/Deployment': {
    1: f('metadata', ObjectMeta),
    2: f('spec', {
      1: f('replicas', 'int', { keepZero: true }),
      2: f('selector', LabelSelector),
      3: f('template', PodTemplateSpec),
      4: f('strategy', { 1: f('type', 'string'), 2: f('rollingUpdate', { 1: f('maxUnavailable', 'intstr'), 2: f('maxSurge', 'intstr') }) }),
      5: f('minReadySeconds', 'int'),
      6: f('revisionHistoryLimit', 'int', { keepZero: true }),
      7: f('paused', 'bool'),
      9: f('progressDeadlineSeconds', 'int', { keepZero: true }),
    }),
  },
  'batch/v1/Job': { 1: f('metadata', ObjectMeta), 2: f('spec', JobSpec) },
  'batch/v1/CronJob': {
    1: f('metadata', ObjectMeta),
    2: f('spec', {
      1: f('schedule', 'string'),
      2: f('startingDeadlineSeconds', 'int', { keepZero: true }),
      3: f('concurrencyPolicy', 'string'),
      4: f('suspend', 'bool', { keepZero: true }),
      5: f('jobTemplate', { 1: f('metadata', ObjectMeta), 2: f('spec', JobSpec) }),
      6: f('successfulJobsHistoryLimit', 'int', { keepZero: true }),
      7: f('failedJobsHistoryLimit', 'int', { keepZero: true }),
      8: f('timeZone', 'string'),
    }),
  },
  'v1/Secret': {
    1: f('metadata', ObjectMeta),
    2: f('data', 'mapsb'),
    3: f('type', 'string'),
    4: f('stringData', 'mapss'),
    5: f('immutable', 'bool', { keepZero: true }),
  },
  'v1/ConfigMap': {
    1: f('metadata', ObjectMeta),
    2: f('data', 'mapss'),
    3: f('binaryData', 'mapsb'),
    4: f('immutable', 'bool', { keepZero: true }),
  },
  'v1/ServiceAccount': {
    1: f('metadata', ObjectMeta),
    2: f('secrets', ObjectReference, { repeated: true }),
    3: f('imagePullSecrets', LocalObjectReference, { repeated: true }),
    4: f('automountServiceAccountToken', 'bool', { keepZero: true }),
  },
  'v1/Namespace': {
    1: f('metadata', ObjectMeta),
    2: f('spec', { 1: f('finalizers', 'string', { repeated: true }) }),
    3: f('status', { 1: f('phase', 'string') }),
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: f('metadata', ObjectMeta),
    2: f('spec', { 1: f('resourceAttributes', ResourceAttributes), 2: f('nonResourceAttributes', { 1: f('path', 'string'), 2: f('verb', 'string') }) }),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {
    1: f('metadata', ObjectMeta),
    2: f('spec', { 1: f('namespace', 'string') }),
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done() {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated bytes');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMap(buf: Buffer, value: 'string' | 'bytes' | 'quantity'): [string, string] {
  const r = new Reader(buf);
  let k = '';
  let v = '';
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >> 3;
    if ((tag & 7) !== 2) {
      r.skip(tag & 7);
      continue;
    }
    const b = r.bytes();
    if (field === 1) k = b.toString('utf8');
    else if (field === 2) v = value === 'bytes' ? b.toString('base64') : value === 'quantity' ? decodeQuantity(b) : b.toString('utf8');
  }
  return [k, v];
}

/** resource.Quantity is a message with its string form in field 1. */
function decodeQuantity(buf: Buffer): string {
  const r = new Reader(buf);
  let s = '';
  while (!r.done()) {
    const tag = Number(r.varint());
    if (tag >> 3 === 1 && (tag & 7) === 2) s = r.bytes().toString('utf8');
    else r.skip(tag & 7);
  }
  return s;
}

/** intstr.IntOrString: {type: 0 int | 1 string, intVal, strVal}. */
function decodeIntOrString(buf: Buffer): number | string {
  const r = new Reader(buf);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (!r.done()) {
    const tag = Number(r.varint());
    const num = tag >> 3;
    if (num === 1 && (tag & 7) === 0) type = Number(r.varint());
    else if (num === 2 && (tag & 7) === 0) intVal = Number(BigInt.asIntN(32, r.varint()));
    else if (num === 3 && (tag & 7) === 2) strVal = r.bytes().toString('utf8');
    else r.skip(tag & 7);
  }
  return type === 1 ? strVal : intVal;
}

function decodeTime(buf: Buffer): string | undefined {
  const r = new Reader(buf);
  let seconds = 0n;
  while (!r.done()) {
    const tag = Number(r.varint());
    if (tag >> 3 === 1 && (tag & 7) === 0) seconds = r.varint();
    else r.skip(tag & 7);
  }
  if (seconds === 0n) return undefined;
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const tag = Number(r.varint());
    const num = tag >> 3;
    const wire = tag & 7;
    const field = schema[num];
    if (!field) {
      r.skip(wire);
      continue;
    }
    let value: unknown;
    switch (field.type) {
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'bytes':
        value = r.bytes().toString('base64');
        break;
      case 'bool':
        value = r.varint() !== 0n;
        break;
      case 'int': {
        const v = r.varint();
        value = Number(BigInt.asIntN(64, v));
        break;
      }
      case 'time':
        value = decodeTime(r.bytes());
        break;
      case 'intstr':
        value = decodeIntOrString(r.bytes());
        break;
      case 'quantity':
        value = decodeQuantity(r.bytes());
        break;
      case 'mapss':
      case 'mapsb':
      case 'mapsq': {
        const [k, v] = decodeMap(r.bytes(), field.type === 'mapsb' ? 'bytes' : field.type === 'mapsq' ? 'quantity' : 'string');
        const m = (out[field.name] as Record<string, string>) ?? {};
        m[k] = v;
        out[field.name] = m;
        continue;
      }
      default:
        value = decodeMessage(r.bytes(), field.type);
    }
    if (field.repeated) {
      ((out[field.name] as unknown[]) ??= []).push(value);
      continue;
    }
    // Go's JSON omits zero values of non-pointer fields (omitempty); protobuf still carries them.
    const zero = value === undefined || value === '' || value === 0 || value === false || (typeof value === 'object' && value !== null && !Object.keys(value).length);
    if (zero && !field.keepZero) {
      if (field.name === 'metadata' || field.name === 'spec') out[field.name] = value ?? {};
      continue;
    }
    out[field.name] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** Decodes a protobuf request body into the JSON object it stands for; 415 for kinds the lab cannot decode. */
export function decodeProtobufObject(buf: Buffer): KObject {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  const r = new Reader(buf.subarray(4));
  try {
    while (!r.done()) {
      const tag = Number(r.varint());
      const num = tag >> 3;
      if ((tag & 7) !== 2) {
        r.skip(tag & 7);
        continue;
      }
      const b = r.bytes();
      if (num === 1) {
        const tm = decodeMessage(b, { 1: f('apiVersion', 'string'), 2: f('kind', 'string') });
        apiVersion = String(tm.apiVersion ?? '');
        kind = String(tm.kind ?? '');
      } else if (num === 2) raw = b;
    }
    const schema = KINDS[`${apiVersion}/${kind}`];
    if (!schema) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the lab API stand-in decodes protobuf only for ${Object.keys(KINDS).join(', ')}; send ${apiVersion}/${kind} as application/json`,
      );
    }
    const body = decodeMessage(raw ?? Buffer.alloc(0), schema);
    return { apiVersion, kind, ...body, metadata: (body.metadata as KObject['metadata']) ?? {} } as KObject;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'BadRequest', `unable to decode protobuf body: ${(e as Error).message}`);
  }
}
