// trust.json and pulltest.json: same keys in en and zh, the console's `{name}` placeholders (not `{{name}}`),
// and every key the record, trust and pull-test code can produce.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonKey, type NodeTrustReason } from './status';

const ROOT = join(__dirname, '../../..');
const load = (lang: string, file: string) => JSON.parse(readFileSync(join(ROOT, 'locales', lang, file), 'utf8')) as Record<string, string>;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// A Record, so adding a reason without a locale text fails to compile here.
const REASON_SET: Record<NodeTrustReason, true> = {
  installed: true, starting: true, 'old-ca': true, terminating: true, removing: true, 'installer-image': true,
  'foreign-file': true, 'no-ca': true, 'write-failed': true, 'pin-mismatch': true, 'installer-error': true, 'pod-failed': true, os: true,
  taint: true, 'node-not-ready': true, unschedulable: true, 'no-pod': true, 'no-installer': true, removed: true,
  'manual-mode': true, 'system-trust': true, 'runtime-manual': true,
};
const REASONS = Object.keys(REASON_SET) as NodeTrustReason[];

describe.each([
  ['trust.json', 'HARBOR_CONNECT_TRUST_'],
  ['pulltest.json', 'HARBOR_CONNECT_PULLTEST_'],
])('%s', (file, prefix) => {
  const en = load('en', file);
  const zh = load('zh', file);
  it('has the same keys in en and zh, all prefixed, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of [...Object.entries(en), ...Object.entries(zh)]) {
      expect(k.startsWith(prefix)).toBe(true);
      expect(v.trim()).not.toBe('');
    }
  });
  it('uses the same {placeholders} in both languages and never {{double}} braces', () => {
    for (const k of Object.keys(en)) {
      expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]));
      expect(en[k]).not.toMatch(/\{\{/);
      expect(zh[k]).not.toMatch(/\{\{/);
    }
  });
  it('contains every key the code refers to', () => {
    const dirs = ['src/domain/trust', 'src/domain/record', 'src/domain/pulltest'];
    const used = new Set<string>();
    for (const d of dirs) {
      for (const f of readdirSync(join(ROOT, d)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
        for (const m of readFileSync(join(ROOT, d, f), 'utf8').matchAll(/'(HARBOR_CONNECT_[A-Z0-9_]+)'/g)) used.add(m[1]);
      }
    }
    if (prefix === 'HARBOR_CONNECT_TRUST_') for (const r of REASONS) used.add(reasonKey(r));
    const mine = [...used].filter((k) => k.startsWith(prefix));
    expect(mine.length).toBeGreaterThanOrEqual(3);
    for (const k of mine) expect(en, k).toHaveProperty([k]);
  });
});
