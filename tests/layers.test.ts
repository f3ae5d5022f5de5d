// src/features holds hooks and components only: every exported function there touches React, the network
// (reaches src/api's HTTP client), the console's translations or the browser. Pure logic lives in src/domain,
// tested on its own.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPending, PENDING, pureFeatureFunctions } from '../scripts/layers';

describe('layers', () => {
  it('no pure exported function in src/features (but the pending ones, each still there)', () => {
    const found = pureFeatureFunctions(join(__dirname, '..'));
    expect(found.filter((o) => !isPending(o))).toEqual([]);
    expect(PENDING.filter((p) => !found.some((o) => o.file === p.file && o.name === p.name))).toEqual([]);
  });

  it('no arrow points the wrong way: domain imports no React, API, feature or UI code; api and components import no feature', () => {
    const src = join(__dirname, '..', 'src');
    const files = (d: string): string[] =>
      readdirSync(d).flatMap((n) => {
        const p = join(d, n);
        return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
      });
    const imports = (f: string) => [...readFileSync(f, 'utf8').matchAll(/^import [^;]*? from '([^']+)';/gms)].map((m) => m[1]);
    const wrong: string[] = [];
    for (const f of files(join(src, 'domain'))) {
      for (const spec of imports(f)) {
        if (/^(react|react-dom|@tanstack\/|@kubed\/|styled-components)/.test(spec) || /^(\.\.\/)+(api|features|components|i18n)(\/|$)/.test(spec)) wrong.push(`${relative(src, f)} → ${spec}`);
      }
    }
    for (const f of [...files(join(src, 'api')), ...files(join(src, 'components'))]) {
      for (const spec of imports(f)) if (/^(\.\.\/)+features(\/|$)/.test(spec)) wrong.push(`${relative(src, f)} → ${spec}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every query key comes from the key factory (src/api/queryKeys.ts): no key written as an array literal', () => {
    const src = join(__dirname, '..', 'src');
    const files = (d: string): string[] =>
      readdirSync(d).flatMap((n) => {
        const p = join(d, n);
        return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
      });
    const raw = files(src)
      .filter((f) => relative(src, f) !== join('api', 'queryKeys.ts'))
      .filter((f) => /queryKey:\s*\[|use(Query|Queries|InfiniteQuery)\(\s*\[|\[\s*ROOT\s*,/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f));
    expect(raw).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'hc-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds one, directly or through a local helper, and leaves hooks, components, translations and network callers alone', () => {
    mkdirSync(join(dir, 'src', 'features', 'x'), { recursive: true });
    mkdirSync(join(dir, 'src', 'api'), { recursive: true });
    mkdirSync(join(dir, 'src', 'i18n'), { recursive: true });
    writeFileSync(join(dir, 'src', 'api', 'client.ts'), 'export async function request(path: string) { return path; }\n');
    writeFileSync(join(dir, 'src', 'api', 'things.ts'), "import { request } from './client';\nexport const things = { list: () => request('/things') };\n");
    writeFileSync(
      join(dir, 'src', 'api', 'index.ts'),
      ["export { request } from './client';", "export * from './things';", 'export const get = async () => things.list();', "export const key = (c: string) => ['k', c];", "import { things } from './things';"].join('\n'),
    );
    writeFileSync(join(dir, 'src', 'i18n', 't.ts'), 'export const tr = (key: string) => key;\n');
    writeFileSync(
      join(dir, 'src', 'features', 'x', 'a.ts'),
      [
        "import { useState } from 'react';",
        "import { get, key, things } from '../../api';",
        "import { tr } from '../../i18n/t';",
        'const helper = () => get();',
        'export function add(a: number, b: number) { return a + b; }',
        'export const twice = (a: number) => add(a, a);',
        'export function load() { return helper(); }',
        'export function list() { return things.list(); }',
        'export function keyOf(c: string) { return key(c); }',
        'export function label(k: string) { return tr(k); }',
        'export function useThing() { return useState(0); }',
        'export function Thing() { return null; }',
        'export function stored() { return sessionStorage.getItem("k"); }',
      ].join('\n'),
    );
    // keyOf uses src/api without reaching its HTTP client: pure.
    expect(pureFeatureFunctions(dir).map((o) => o.name)).toEqual(['add', 'keyOf', 'twice']);
  });
});
