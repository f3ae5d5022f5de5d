// Colours live in src/components/theme.ts only: every page uses the same named constants.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
const COLOUR = /['"`][^'"`\n]*#(?:[0-9a-f]{6}|[0-9a-f]{3})\b/i;

describe('visual constants', () => {
  it('no colour literal outside src/components/theme.ts', () => {
    const found = files(src)
      .filter((f) => relative(src, f) !== join('components', 'theme.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => (COLOUR.test(line) ? `${relative(src, f)}:${i + 1}: ${line.trim()}` : ''))
          .filter(Boolean),
      );
    expect(found).toEqual([]);
  });

  it('each colour is defined once', async () => {
    const { colors } = await import('../src/components/theme');
    const values = Object.values(colors).map((c) => c.toLowerCase());
    expect(new Set(values).size).toBe(values.length);
  });
});
