// Status errors worded exactly as k8s.io/apimachinery/pkg/api/errors builds them, so clients (kubectl, the
// extension's error mapping) see the same reason, code, message and details as against a real kube-apiserver.
import { ApiError, type ResourceType } from './contract';

/** "secrets" for the core group, "deployments.apps" otherwise (schema.GroupResource.String()). */
export function qualifiedResource(type: Pick<ResourceType, 'group' | 'resource'>): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** "Secret" for the core group, "Deployment.apps" otherwise (schema.GroupKind.String()). */
export function qualifiedKind(type: Pick<ResourceType, 'group' | 'kind'>): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}

export function notFound(type: Pick<ResourceType, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(type)} ${goQuote(name)} not found`, {
    name,
    group: type.group || undefined,
    kind: type.resource,
  });
}

export function alreadyExists(type: Pick<ResourceType, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(type)} ${goQuote(name)} already exists`, {
    name,
    group: type.group || undefined,
    kind: type.resource,
  });
}

export function conflict(type: Pick<ResourceType, 'group' | 'resource'>, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} ${goQuote(name)}: ${why}`, {
    name,
    group: type.group || undefined,
    kind: type.resource,
  });
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(type: Pick<ResourceType, 'group' | 'resource'>, name: string | undefined, why: string): ApiError {
  const qr = qualifiedResource(type);
  const message = name ? `${qr} ${goQuote(name)} is forbidden: ${why}` : `${qr} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', message, { name: name || undefined, group: type.group || undefined, kind: type.resource });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotSupported(type: Pick<ResourceType, 'group' | 'resource'>, action: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${goQuote(qualifiedResource(type))}`, {
    group: type.group || undefined,
    kind: type.resource,
  });
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** errors.NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false): what a failed JSON patch answers. */
export function genericUnprocessable(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The text after "<field>: " in field.Error.Error(). */
  body: string;
}

/** Formats a value the way field.Error does (%q for strings, %d for numbers, Go-ish for the rest). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => goQuote(v as string)).join(', ')}}`;
  }
  if (typeof value === 'object' && Object.values(value as object).every((v) => typeof v === 'string')) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({
    type: 'FieldValueRequired',
    field,
    body: detail ? `Required value: ${detail}` : 'Required value',
  }),
  invalid: (field: string, value: unknown, detail = ''): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    body: `Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    body: `Unsupported value: ${formatValue(value)}${supported.length ? `: supported values: ${supported.map((s) => goQuote(s)).join(', ')}` : ''}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, body: `Duplicate value: ${formatValue(value)}` }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    body: `Too long: may not be more than ${max} bytes`,
  }),
};

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${e.body}`;
}

/** errors.NewInvalid(GroupKind, name, errs): 422 with one cause per field error. */
export function invalid(type: Pick<ResourceType, 'group' | 'kind'>, name: string, errs: FieldError[]): ApiError {
  const agg = errs.length === 1 ? fieldErrorString(errs[0]) : `[${errs.map(fieldErrorString).join(', ')}]`;
  const message = errs.length ? `${qualifiedKind(type)} ${goQuote(name)} is invalid: ${agg}` : `${qualifiedKind(type)} ${goQuote(name)} is invalid`;
  return new ApiError(422, 'Invalid', message, {
    name,
    group: type.group || undefined,
    kind: type.kind,
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

/** Go's %q for the plain strings names and values are made of. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
