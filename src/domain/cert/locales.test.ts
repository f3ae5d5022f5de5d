import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CERT_DETAIL_LABEL_KEYS, FINDING_CODES, findingMessageKeys, GENERATION_ERROR_CODES, generationErrorMessageKey, type FindingCode } from './index';

const root = join(__dirname, '../../..');
const load = (lang: string) => JSON.parse(readFileSync(join(root, 'locales', lang, 'cert.json'), 'utf8')) as Record<string, unknown>;
const en = load('en');
const zh = load('zh');

// The params the inspector puts on each finding: messages may use these and no others.
const PARAMS: Record<FindingCode, string[]> = {
  'not-a-certificate': ['block'],
  'too-large': ['limit'],
  'too-many-certificates': ['count', 'max'],
  'contains-private-key': ['count'],
  'legacy-cn-only': ['host', 'cn'],
  'host-not-in-san': ['host', 'names'],
  'ip-not-in-san': ['host', 'ips'],
  expired: ['notAfter', 'days'],
  'not-yet-valid': ['notBefore'],
  'expires-soon': ['notAfter', 'days'],
  'weak-key': ['bits'],
  'sha1-signature': ['algorithm', 'hash'],
  'leaf-not-ca': [],
  'self-signed-leaf': [],
  'chain-order': ['order'],
  'ca-only-host-unchecked': ['host'],
};

// KubeSphere's console runs i18next with interpolation prefix '{' and suffix '}' (single braces).
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('cert locales', () => {
  it('en and zh have the same keys, all prefixed, all non-empty strings', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of [...Object.entries(en), ...Object.entries(zh)]) {
      expect(key).toMatch(/^HARBOR_CONNECT_CERT_[A-Z0-9_]+$/);
      expect(typeof value === 'string' && value.trim().length > 0, key).toBe(true);
      expect(value as string, key).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('every finding code has a title and a fix, using only the params it gets, the same in both languages', () => {
    for (const code of FINDING_CODES) {
      const { title, fix } = findingMessageKeys(code);
      for (const key of [title, fix]) {
        expect(en[key], key).toBeTypeOf('string');
        expect(zh[key], key).toBeTypeOf('string');
        expect(placeholders(zh[key] as string), key).toEqual(placeholders(en[key] as string));
        for (const name of placeholders(en[key] as string)) expect(PARAMS[code], `${key}: {${name}}`).toContain(name);
      }
    }
    expect(findingMessageKeys('legacy-cn-only')).toEqual({
      title: 'HARBOR_CONNECT_CERT_FINDING_LEGACY_CN_ONLY_TITLE',
      fix: 'HARBOR_CONNECT_CERT_FINDING_LEGACY_CN_ONLY_FIX',
    });
    expect(en['HARBOR_CONNECT_CERT_FINDING_LEGACY_CN_ONLY_FIX']).toContain('subjectAltName=DNS:');
  });

  it('detail labels and generator errors have messages, with the same placeholders in both languages', () => {
    const keys = [...Object.values(CERT_DETAIL_LABEL_KEYS), ...GENERATION_ERROR_CODES.map(generationErrorMessageKey)];
    for (const key of keys) {
      expect(en[key], key).toBeTypeOf('string');
      expect(zh[key], key).toBeTypeOf('string');
    }
    for (const key of Object.keys(en)) expect(placeholders(zh[key] as string), key).toEqual(placeholders(en[key] as string));
  });
});
