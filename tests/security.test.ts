// SECURITY.md names every object the extension stores, where, whether it holds a credential, and the contact for
// reports (the same as extension.yaml's provider contact). Held against the code's own names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_EXTENSION_NAMESPACE, RECORD_NAME_PREFIX } from '../src/domain/record';
import { SETTINGS_CONFIGMAP, TRUST_NAME_PREFIX } from '../src/domain/trust';
import { PROBE_NAME_PREFIX } from '../src/domain/registry/probe';
import { PULL_TEST_PREFIX } from '../src/domain/pulltest';

const root = join(__dirname, '..');
const doc = readFileSync(join(root, 'SECURITY.md'), 'utf8');

describe('SECURITY.md', () => {
  it('says how to report a vulnerability, to the provider contact of extension.yaml', () => {
    const ext = parse(readFileSync(join(root, 'extension', 'extension.yaml'), 'utf8'));
    expect(doc).toMatch(/## Reporting a vulnerability/);
    expect(doc).toContain(ext.provider.en.email);
  });

  it('names every object the extension writes and where', () => {
    for (const name of [RECORD_NAME_PREFIX, TRUST_NAME_PREFIX, PROBE_NAME_PREFIX, PULL_TEST_PREFIX, SETTINGS_CONFIGMAP, DEFAULT_EXTENSION_NAMESPACE, 'harbor-connect-js-bundle']) {
      expect(doc, name).toContain(name);
    }
    expect(doc).toMatch(/sessionStorage/);
    expect(doc).toMatch(/Holds a credential\?/);
  });
});
