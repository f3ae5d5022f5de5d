// The locale files this group of modules owns: same keys and variables in en and zh, and a text for every code.
import { describe, it, expect } from 'vitest';
import enRegistry from '../../../locales/en/registry.json';
import zhRegistry from '../../../locales/zh/registry.json';
import enBinding from '../../../locales/en/binding.json';
import zhBinding from '../../../locales/zh/binding.json';
import enNetpol from '../../../locales/en/netpol.json';
import zhNetpol from '../../../locales/zh/netpol.json';
import enDiagnosis from '../../../locales/en/diagnosis.json';
import zhDiagnosis from '../../../locales/zh/diagnosis.json';
import { planBinding } from './index';
import { planAllowEgress } from '../netpol';

const pairs: Array<[string, Record<string, string>, Record<string, string>]> = [
  ['registry', enRegistry, zhRegistry],
  ['binding', enBinding, zhBinding],
  ['netpol', enNetpol, zhNetpol],
  ['diagnosis', enDiagnosis, zhDiagnosis],
];
const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const all = { ...enRegistry, ...enBinding, ...enNetpol, ...enDiagnosis } as Record<string, string>;
const key = (prefix: string, code: string) => `${prefix}${code.toUpperCase().replace(/-/g, '_')}`;

describe('locales', () => {
  it.each(pairs)('%s: same keys and variables in en and zh, all prefixed', (_n, en, zh) => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en)) {
      expect(k.startsWith('HARBOR_CONNECT_')).toBe(true);
      expect(vars(zh[k]), k).toEqual(vars(en[k]));
      expect(zh[k].trim(), k).not.toBe('');
    }
  });

  it('every code the modules emit has a text', () => {
    const codes: Array<[string, string[]]> = [
      ['HARBOR_CONNECT_REGISTRY_ERROR_', ['empty', 'unsupported-scheme', 'insecure-needs-consent', 'has-credentials', 'has-query', 'has-path', 'ipv6-needs-brackets', 'invalid-port', 'invalid-host']],
      ['HARBOR_CONNECT_REGISTRY_CREDENTIAL_ERROR_', ['invalid-server', 'empty-username', 'username-has-colon', 'empty-password']],
      ['HARBOR_CONNECT_REGISTRY_SECRET_ERROR_', ['wrong-type', 'missing-key', 'bad-base64', 'malformed-json', 'missing-auths', 'bad-auth', 'no-entry-for-host', 'auth-mismatch']],
      ['HARBOR_CONNECT_REGISTRY_SECRET_WARNING_', ['token-ignored', 'explicit-default-port', 'key-has-path', 'missing-auth-field']],
      ['HARBOR_CONNECT_NAME_ERROR_', ['required', 'too-long', 'contains-dots', 'invalid-label', 'invalid-subdomain', 'invalid-label-value']],
      ['HARBOR_CONNECT_BINDING_NOTE_', ['already-bound', 'not-bound', 'job-immutable', 'rolls-workload', 'on-delete', 'next-runs-only', 'existing-pods-unchanged', 'missing-resource-version', 'unknown-kind']],
      ['HARBOR_CONNECT_NETPOL_NOTE_', ['image-pulls-not-affected', 'no-egress-policy', 'selector-peer-not-evaluated', 'named-port-ignored', 'invalid-cidr', 'invalid-destination', 'other-namespace-policy-ignored', 'unknown-selector-operator', 'other-policy-kinds']],
      ['HARBOR_CONNECT_EFFECT_', ['rolls-workload', 'deletes-data', 'isolates-egress', 'not-recreated']],
    ];
    for (const [prefix, list] of codes) for (const c of list) expect(all[key(prefix, c)], key(prefix, c)).toBeTruthy();
  });

  it('reason keys of planned writes exist and get all their variables', () => {
    const sa = { metadata: { name: 'default', namespace: 'demo', resourceVersion: '1' } };
    const deploy = { kind: 'Deployment', metadata: { name: 'web', namespace: 'demo' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
    const writes = [
      ...planBinding({ secretName: 's', serviceAccounts: [sa], workloads: [deploy as never] }).writes,
      planAllowEgress({ namespace: 'demo', ip: '10.0.0.5', port: 443, registryId: 'r' }),
      planAllowEgress({ namespace: 'demo', ip: '10.0.0.5', port: 443, registryId: 'r', dns: 'none' }),
    ];
    for (const w of writes) {
      const text = all[w.reason!.key];
      expect(text, w.reason!.key).toBeTruthy();
      for (const v of vars(text)) expect(w.reason!.params, `${w.reason!.key} {${v}}`).toHaveProperty(v);
    }
  });
});
