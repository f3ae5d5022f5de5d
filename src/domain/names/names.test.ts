import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { validateDns1123Label, validateDns1123Subdomain, validateLabelValue, suggestSecretName, registryLabelValue } from './index';

describe('DNS-1123 validators', () => {
  it('accepts valid names', () => {
    expect(validateDns1123Label('harbor-pull')).toEqual([]);
    expect(validateDns1123Subdomain('harbor.example-pull')).toEqual([]);
  });

  it('reports the API server messages verbatim', () => {
    expect(validateDns1123Label('Harbor')).toEqual([
      {
        code: 'invalid-label',
        message:
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      },
    ]);
    expect(validateDns1123Label('a.b')).toEqual([{ code: 'contains-dots', message: 'must not contain dots' }]);
    expect(validateDns1123Label('a'.repeat(64))).toEqual([{ code: 'too-long', message: 'must be no more than 63 characters', params: { max: 63 } }]);
    expect(validateDns1123Subdomain('-x')[0]).toMatchObject({
      code: 'invalid-subdomain',
      message:
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    });
    expect(validateDns1123Subdomain('a'.repeat(254)).map((e) => e.code)).toEqual(['too-long']);
    expect(validateDns1123Subdomain('')[0].code).toBe('required');
    expect(validateLabelValue('')).toEqual([]);
    expect(validateLabelValue('-x')[0].code).toBe('invalid-label-value');
  });
});

describe('suggestSecretName', () => {
  it('makes readable names', () => {
    expect(suggestSecretName('harbor.example.com')).toBe('harbor-example-com-pull');
    expect(suggestSecretName('Harbor.Example.com:8443')).toBe('harbor-example-com-8443-pull');
    expect(suggestSecretName('[fd00::1]:5000')).toBe('fd00-1-5000-pull');
    expect(suggestSecretName('https://index.docker.io/v1/')).toBe('docker-hub-pull');
  });

  it('is always a valid DNS-1123 label, and distinct hosts that share a long prefix stay distinct', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (host) => {
        expect(validateDns1123Label(suggestSecretName(host))).toEqual([]);
      }),
    );
    const long = 'a'.repeat(70);
    expect(suggestSecretName(`${long}.one.example.com`)).not.toBe(suggestSecretName(`${long}.two.example.com`));
  });

  it('registryLabelValue is a valid label value', () => {
    expect(registryLabelValue('harbor.example.com:8443')).toBe('harbor.example.com_8443');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(validateLabelValue(registryLabelValue(s))).toEqual([]);
      }),
    );
  });
});
