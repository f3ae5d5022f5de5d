// Kubernetes object-name rules (k8s.io/apimachinery/pkg/util/validation), with the API server's own messages,
// so a name the form accepts is one the API server accepts.

export type NameErrorCode = 'required' | 'too-long' | 'contains-dots' | 'invalid-label' | 'invalid-subdomain' | 'invalid-label-value';

export interface NameError {
  code: NameErrorCode;
  /** The API server's message, verbatim (English); the UI shows a locale text for `code` and may show this too. */
  message: string;
  params?: { max?: number };
}

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const LABEL_VALUE_MAX_LENGTH = 63;

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const labelValueFmt = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const dns1123LabelRx = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRx = new RegExp(`^${dns1123SubdomainFmt}$`);
const labelValueRx = new RegExp(`^${labelValueFmt}$`);

const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** Same text as apimachinery's RegexError, including its double space before " or ". */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  return `${out}regex used for validation is '${fmt}')`;
}

const REQUIRED: NameError = { code: 'required', message: 'name or generateName is required' };

/** DNS-1123 label (Namespaces, Services, most names that become DNS labels): ≤ 63, [a-z0-9-]. */
export function validateDns1123Label(value: string): NameError[] {
  if (value === '') return [REQUIRED];
  const errs: NameError[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    errs.push({ code: 'too-long', message: maxLenError(DNS1123_LABEL_MAX_LENGTH), params: { max: DNS1123_LABEL_MAX_LENGTH } });
  }
  if (!dns1123LabelRx.test(value)) {
    if (dns1123SubdomainRx.test(value)) errs.push({ code: 'contains-dots', message: 'must not contain dots' });
    else errs.push({ code: 'invalid-label', message: regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc') });
  }
  return errs;
}

/** DNS-1123 subdomain (Secrets, ServiceAccounts, NetworkPolicies, Deployments...): ≤ 253, [a-z0-9-.]. */
export function validateDns1123Subdomain(value: string): NameError[] {
  if (value === '') return [REQUIRED];
  const errs: NameError[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push({ code: 'too-long', message: maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH), params: { max: DNS1123_SUBDOMAIN_MAX_LENGTH } });
  }
  if (!dns1123SubdomainRx.test(value)) {
    errs.push({ code: 'invalid-subdomain', message: regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com') });
  }
  return errs;
}

/** A label value (≤ 63, alphanumerics, '-', '_', '.'; empty allowed). */
export function validateLabelValue(value: string): NameError[] {
  const errs: NameError[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) {
    errs.push({ code: 'too-long', message: maxLenError(LABEL_VALUE_MAX_LENGTH), params: { max: LABEL_VALUE_MAX_LENGTH } });
  }
  if (!labelValueRx.test(value)) {
    errs.push({ code: 'invalid-label-value', message: regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345') });
  }
  return errs;
}

/** Short stable hash (FNV-1a, base36) to keep truncated names distinct. */
export function shortHash(s: string, length = 5): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(length, '0').slice(-length);
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Fits `base` + `suffix` into `max` characters, truncating `base` and adding a hash of the full text if needed. */
function fit(base: string, suffix: string, max: number): string {
  const full = suffix ? `${base}-${suffix}` : base;
  if (full.length <= max) return full;
  const hash = shortHash(base);
  const room = max - hash.length - 1 - (suffix ? suffix.length + 1 : 0);
  const cut = base.slice(0, Math.max(1, room)).replace(/-+$/, '');
  return suffix ? `${cut}-${hash}-${suffix}` : `${cut}-${hash}`;
}

/**
 * A pull-secret name for a registry host[:port] or serverKey: `harbor.example.com` → `harbor-example-com-pull`,
 * `harbor.example.com:8443` → `harbor-example-com-8443-pull`. Always a valid DNS-1123 label (≤ 63).
 */
export function suggestSecretName(host: string, suffix = 'pull'): string {
  let base = slug(host);
  if (base === 'index-docker-io-v1' || base === 'docker-io' || base === 'index-docker-io') base = 'docker-hub';
  if (base === '') base = 'registry';
  return fit(base, slug(suffix), DNS1123_LABEL_MAX_LENGTH);
}

/** A label value that identifies a registry (for `harbor-connect.kubesphere.io/registry`), from its host[:port]. */
export function registryLabelValue(authority: string): string {
  let v = authority
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (v === '') v = 'registry';
  if (v.length <= LABEL_VALUE_MAX_LENGTH) return v;
  const hash = shortHash(v);
  return `${v.slice(0, LABEL_VALUE_MAX_LENGTH - hash.length - 1).replace(/[^a-z0-9]+$/, '')}-${hash}`;
}
