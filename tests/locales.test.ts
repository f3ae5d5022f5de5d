// Locale parity across every file in locales/en and locales/zh (other features add files there too).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localeFiles, locales } from '../src/i18n/locales';

const root = join(__dirname, '..', 'locales');
const langs = ['en', 'zh'] as const;

function load(lang: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of readdirSync(join(root, lang)).filter((f) => f.endsWith('.json')).sort()) {
    out[f] = JSON.parse(readFileSync(join(root, lang, f), 'utf8'));
  }
  return out;
}

const files = { en: load('en'), zh: load('zh') };
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('have the same files in en and zh', () => {
    expect(Object.keys(files.zh)).toEqual(Object.keys(files.en));
  });

  for (const file of Object.keys(files.en)) {
    it(`${file}: same keys in en and zh`, () => {
      expect(Object.keys(files.zh[file] ?? {}).sort()).toEqual(Object.keys(files.en[file]).sort());
    });
  }

  it('are flat, prefixed, non-empty strings with the console interpolation syntax', () => {
    for (const lang of langs) {
      for (const [file, table] of Object.entries(files[lang])) {
        for (const [key, value] of Object.entries(table)) {
          const where = `${lang}/${file} ${key}`;
          expect(key, where).toMatch(/^HARBOR_CONNECT_[A-Z0-9_]+(_one)?$/);
          expect(typeof value, where).toBe('string');
          expect((value as string).trim(), where).not.toBe('');
          // The console's i18next uses single braces: {{x}} would render a stray brace.
          expect(value as string, where).not.toMatch(/\{\{|\}\}/);
        }
      }
    }
  });

  it('use the same placeholders in en and zh', () => {
    for (const [file, table] of Object.entries(files.en)) {
      for (const [key, value] of Object.entries(table)) {
        const zh = files.zh[file]?.[key];
        if (typeof zh === 'string') expect(placeholders(zh), `${file} ${key}`).toEqual(placeholders(value as string));
      }
    }
  });

  it('define no key in two files', () => {
    for (const lang of langs) {
      const seen = new Map<string, string>();
      for (const [file, table] of Object.entries(files[lang])) {
        for (const key of Object.keys(table)) {
          expect(seen.get(key), `${lang} ${key} in ${file}`).toBeUndefined();
          seen.set(key, file);
        }
      }
    }
  });

  it('are all bundled: the glob picks up every file', () => {
    for (const lang of langs) {
      expect([...localeFiles[lang]].sort()).toEqual(Object.keys(files[lang]));
      const merged = Object.assign({}, ...Object.values(files[lang]));
      expect(locales[lang]).toEqual(merged);
    }
  });
});
