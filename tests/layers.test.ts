// src/features holds hooks and components only: every exported function there touches React, the network
// (src/api), the console's translations or the browser. Pure logic lives in src/domain, tested on its own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pureFeatureFunctions } from '../scripts/layers';

describe('layers', () => {
  it('no pure exported function in src/features', () => {
    expect(pureFeatureFunctions(join(__dirname, '..'))).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'hc-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds one, directly or through a local helper, and leaves hooks, components and API callers alone', () => {
    mkdirSync(join(dir, 'src', 'features', 'x'), { recursive: true });
    mkdirSync(join(dir, 'src', 'api'), { recursive: true });
    writeFileSync(join(dir, 'src', 'api', 'index.ts'), 'export const get = async () => 1;\n');
    writeFileSync(
      join(dir, 'src', 'features', 'x', 'a.ts'),
      [
        "import { useState } from 'react';",
        "import { get } from '../../api';",
        'const helper = () => get();',
        'export function add(a: number, b: number) { return a + b; }',
        'export const twice = (a: number) => add(a, a);',
        'export function load() { return helper(); }',
        'export function useThing() { return useState(0); }',
        'export function Thing() { return null; }',
        'export function stored() { return sessionStorage.getItem("k"); }',
      ].join('\n'),
    );
    expect(pureFeatureFunctions(dir).map((o) => o.name)).toEqual(['add', 'twice']);
  });
});
