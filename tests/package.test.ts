// The extension package: extension.yaml has what KubeSphere and ksbuilder require (ksbuilder pkg/api/metadata.go,
// ks-core config/ks-core/templates/extension-categories.yaml), and npm run package writes the installable folder
// and archive. tests/helm.test.ts renders them with the real Helm.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { splitDocuments } from '../scripts/chart';
import { DEFAULT_INSTALLER_IMAGE } from '../src/domain/trust';
import { buildPackage, type PackageResult } from '../scripts/package';

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'index.js');
const pagesFile = join(root, 'dist', 'pages.js');
let tmp: string;
let pkg: PackageResult;

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  tmp = mkdtempSync(join(tmpdir(), 'hc-package-'));
  pkg = buildPackage(join(tmp, 'out'), bundle);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The Categories ks-core v4.1.3 creates (config/ks-core/templates/extension-categories.yaml). */
const KS_CORE_CATEGORIES = [
  'ai-machine-learning',
  'deepseek',
  'database',
  'integration-delivery',
  'observability',
  'networking',
  'security',
  'storage',
  'streaming-messaging',
  'dev-tools',
  'computing',
];

describe('extension.yaml', () => {
  const ext = parse(readFileSync(join(root, 'extension', 'extension.yaml'), 'utf8'));

  it('has the fields KubeSphere requires', () => {
    expect(ext.apiVersion).toBe('kubesphere.io/v1alpha1');
    expect(ext.name).toBe('harbor-connect');
    expect(ext.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const field of ['displayName', 'description']) {
      expect(ext[field].en, field).toBeTruthy();
      expect(ext[field].zh, field).toBeTruthy();
    }
    expect(KS_CORE_CATEGORIES).toContain(ext.category);
    expect(['integration-delivery', 'dev-tools']).toContain(ext.category);
    for (const lang of ['en', 'zh']) {
      expect(ext.provider[lang].name, `provider.${lang}.name`).toBeTruthy();
      expect(ext.provider[lang].email, `provider.${lang}.email`).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
      expect(ext.provider[lang].url, `provider.${lang}.url`).toMatch(/^https:\/\//);
    }
    expect(ext.home).toMatch(/^https:\/\//);
    expect(ext.docs).toMatch(/^https:\/\//);
    expect(ext.sources.length).toBeGreaterThan(0);
    for (const u of ext.sources) expect(u).toMatch(/^https:\/\//);
    expect(ext.maintainers.length).toBeGreaterThan(0);
    for (const m of ext.maintainers) {
      expect(m.name).toBeTruthy();
      expect(m.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    }
    expect(ext.keywords.length).toBeGreaterThan(0);
    expect(ext.ksVersion).toBe('>=4.1.0-0');
    expect(ext.kubeVersion).toBeTruthy();
    expect(ext.dependencies).toEqual([{ name: 'frontend', tags: ['extension'] }, { name: 'agent', tags: ['agent'] }]);
    // KubeSphere installs a chart's `agent`-tagged part only in the clusters an InstallPlan schedules, and the
    // console schedules clusters only for installationMode Multicluster: HostOnly would never install the agent.
    expect(ext.installationMode).toBe('Multicluster');
    expect(existsSync(join(root, 'extension', ext.icon))).toBe(true);
    expect(readFileSync(join(root, 'extension', ext.icon), 'utf8')).toContain('<svg');
  });

  it('lists every image the extension runs, each pinned by digest', () => {
    expect(ext.images).toEqual([DEFAULT_INSTALLER_IMAGE]);
    for (const image of ext.images) expect(image).toMatch(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$/);
  });

  it('has only fields ksbuilder knows (pkg/api/metadata.go Metadata)', () => {
    const known = ['apiVersion', 'name', 'version', 'displayName', 'description', 'category', 'keywords', 'home', 'docs', 'sources', 'kubeVersion', 'ksVersion', 'maintainers', 'provider', 'staticFileDirectory', 'icon', 'screenshots', 'dependencies', 'installationMode', 'namespace', 'images', 'externalDependencies', 'annotations'];
    for (const k of Object.keys(ext)) expect(known, k).toContain(k);
  });

  it('ships READMEs, changelogs, values and permissions beside it', () => {
    for (const f of ['README.md', 'README_zh.md', 'CHANGELOG.md', 'CHANGELOG_zh.md', 'values.yaml', 'permissions.yaml']) {
      expect(existsSync(join(root, 'extension', f)), f).toBe(true);
    }
    const perms = splitDocuments(readFileSync(join(root, 'extension', 'permissions.yaml'), 'utf8')).map((d) => parse(d));
    expect(perms.map((p) => p.kind)).toEqual(['ClusterRole', 'Role']);
    expect(perms[0].rules[0]).toMatchObject({ apiGroups: ['extensions.kubesphere.io'], resources: ['jsbundles'] });
    expect(perms[0].rules[1]).toMatchObject({ apiGroups: ['iam.kubesphere.io'], resources: ['roletemplates'] });
    expect(perms[1].rules[0]).toMatchObject({ apiGroups: [''], resources: ['configmaps'] });
  });
});

describe('npm run package', () => {
  it('writes an installable chart folder with a Chart.yaml from extension.yaml', () => {
    const chart = parse(readFileSync(join(pkg.chartDir, 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'harbor-connect', version: pkg.version });
    expect(chart.dependencies).toEqual([{ name: 'frontend', version: '0.1.0', tags: ['extension'] }, { name: 'agent', version: '0.1.0', tags: ['agent'] }]);
    expect(existsSync(join(pkg.chartDir, 'extension.yaml'))).toBe(true);
    expect(readFileSync(join(pkg.chartDir, 'charts', 'frontend', 'files', 'index.js'))).toEqual(readFileSync(bundle));
    expect(readFileSync(join(pkg.chartDir, 'charts', 'frontend', 'files', 'pages.js'))).toEqual(readFileSync(pagesFile));
  });

  it('keeps the start file and the pages under the ConfigMap size limit (1 MiB)', () => {
    expect(readFileSync(bundle).length).toBeLessThan(1024 * 1024 - 4096);
    expect(readFileSync(pagesFile).length).toBeLessThan(1024 * 1024 - 4096);
  });

  it('writes a .tgz that holds the same folder', () => {
    expect(pkg.tgz.endsWith(`harbor-connect-${pkg.version}.tgz`)).toBe(true);
    const list = execFileSync('tar', ['-tzf', pkg.tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['harbor-connect/Chart.yaml', 'harbor-connect/extension.yaml', 'harbor-connect/charts/frontend/files/index.js', 'harbor-connect/charts/frontend/files/pages.js', 'harbor-connect/charts/frontend/templates/jsbundle.yaml', 'harbor-connect/static/icon.svg']) {
      expect(list, f).toContain(f);
    }
    const extracted = execFileSync('tar', ['-xzOf', pkg.tgz, 'harbor-connect/charts/frontend/files/index.js'], { maxBuffer: 16 * 1024 * 1024 });
    expect(extracted.equals(readFileSync(bundle))).toBe(true);
  });
});
