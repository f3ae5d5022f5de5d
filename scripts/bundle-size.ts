// Prints the sizes of the two built files against their budgets, and the largest contributors when the report
// data exists (npm run build:report). Exits 1 over a budget.
//
// - dist/index.js, the JSBundle: every console user downloads it at every console start. Issue 15 allows it
//   110 KB gzip; it holds only routes, menus and the stand-ins (vite.config.ts), so its budget is 8 KB: a page
//   module that slipped back into it would be seen at once.
// - dist/pages.js, ConfigMap harbor-connect-pages: fetched when a page of ours first renders. 160 KB gzip stops
//   growth; bench/README.md "Bundle bytes" has what is in it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUDGETS_GZIP = { 'index.js': 8 * 1024, 'pages.js': 160 * 1024 } as const;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const over: string[] = [];
for (const [file, budget] of Object.entries(BUDGETS_GZIP)) {
  const bytes = readFileSync(join(root, 'dist', file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`dist/${file.padEnd(9)} raw ${kb(bytes.length).padStart(9)}  gzip ${kb(gz).padStart(8)}  (budget ${kb(budget)} gzip)`);
  if (gz > budget) over.push(`dist/${file} over budget by ${kb(gz - budget)}`);
}

// The start build (stats.json) and the page build (stats-pages.json, vite.config.ts splitPages), counted together.
const statsPaths = ['stats.json', 'stats-pages.json'].map((f) => join(root, 'dist', f)).filter((p) => existsSync(p));
if (statsPaths.length) {
  const byPackage = new Map<string, { raw: number; gzip: number }>();
  for (const statsPath of statsPaths) {
  // rollup-plugin-visualizer raw-data: nodeParts[uid] = { renderedLength, gzipLength }, nodeMetas[uid] = { id, moduleParts }.
  const stats = JSON.parse(readFileSync(statsPath, 'utf8')) as {
    nodeParts: Record<string, { renderedLength: number; gzipLength: number }>;
    nodeMetas: Record<string, { id: string; moduleParts: Record<string, string> }>;
  };
  for (const meta of Object.values(stats.nodeMetas)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(meta.id);
    const key = m ? m[1] : meta.id.includes('/src/i18n/locale-table') ? 'locales (src/i18n/locale-table.ts)' : meta.id.startsWith('/src/') || meta.id.includes('/src/') ? 'src (Harbor Connect)' : meta.id.includes('/locales/') || meta.id.includes('/src/i18n/locale-table') ? 'locales' : 'other';
    const acc = byPackage.get(key) ?? { raw: 0, gzip: 0 };
    for (const uid of Object.values(meta.moduleParts)) {
      acc.raw += stats.nodeParts[uid]?.renderedLength ?? 0;
      acc.gzip += stats.nodeParts[uid]?.gzipLength ?? 0;
    }
    byPackage.set(key, acc);
  }
  }
  console.log('largest contributors (rendered, before minification; gzip per module):');
  for (const [k, v] of [...byPackage].sort((a, b) => b[1].raw - a[1].raw).slice(0, 10)) {
    console.log(`  ${k.padEnd(32)} ${kb(v.raw).padStart(9)}  gzip ${kb(v.gzip).padStart(8)}`);
  }
}

for (const o of over) console.error(o);
if (over.length) process.exit(1);
