// The extension package: extension.yaml has what KubeSphere requires, and the frontend chart, rendered,
// yields a ConfigMap whose index.js is exactly dist/index.js and a JSBundle pointing at it.
// helm is not available here (no Debian package), so scripts/chart.ts renders the few actions used.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderTemplate, splitDocuments } from '../scripts/chart';
import { buildPackage, type PackageResult } from '../scripts/package';

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'index.js');
let tmp: string;
let pkg: PackageResult;

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  tmp = mkdtempSync(join(tmpdir(), 'hc-package-'));
  pkg = buildPackage(join(tmp, 'out'), bundle);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function renderFrontend(chartDir: string, namespace = 'extension-harbor-connect') {
  const sub = join(chartDir, 'charts', 'frontend');
  const chart = parse(readFileSync(join(sub, 'Chart.yaml'), 'utf8'));
  const docs: Array<Record<string, any>> = [];
  for (const f of readdirSync(join(sub, 'templates')).sort()) {
    const text = renderTemplate(readFileSync(join(sub, 'templates', f), 'utf8'), {
      release: { Namespace: namespace, Name: 'harbor-connect', Service: 'Helm' },
      chart: { Name: chart.name, Version: chart.version },
      files: (p) => readFileSync(join(sub, p), 'utf8'),
    });
    for (const d of splitDocuments(text)) docs.push(parse(d));
  }
  return docs;
}

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
    expect(ext.category).toBeTruthy();
    expect(ext.provider.en.name).toBeTruthy();
    expect(ext.provider.zh.name).toBeTruthy();
    expect(ext.ksVersion).toBe('>=4.1.0-0');
    expect(ext.kubeVersion).toBeTruthy();
    expect(ext.installationMode).toBe('HostOnly');
    expect(ext.dependencies).toEqual([{ name: 'frontend', tags: ['extension'] }]);
    expect(existsSync(join(root, 'extension', ext.icon))).toBe(true);
    expect(readFileSync(join(root, 'extension', ext.icon), 'utf8')).toContain('<svg');
  });

  it('ships READMEs, changelogs, values and permissions beside it', () => {
    for (const f of ['README.md', 'README_zh.md', 'CHANGELOG.md', 'CHANGELOG_zh.md', 'values.yaml', 'permissions.yaml']) {
      expect(existsSync(join(root, 'extension', f)), f).toBe(true);
    }
    const perms = splitDocuments(readFileSync(join(root, 'extension', 'permissions.yaml'), 'utf8')).map((d) => parse(d));
    expect(perms.map((p) => p.kind)).toEqual(['ClusterRole', 'Role']);
    expect(perms[0].rules[0]).toMatchObject({ apiGroups: ['extensions.kubesphere.io'], resources: ['jsbundles'] });
    expect(perms[1].rules[0]).toMatchObject({ apiGroups: [''], resources: ['configmaps'] });
  });
});

describe('npm run package', () => {
  it('writes an installable chart folder with a Chart.yaml from extension.yaml', () => {
    const chart = parse(readFileSync(join(pkg.chartDir, 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'harbor-connect', version: pkg.version });
    expect(chart.dependencies).toEqual([{ name: 'frontend', version: '0.1.0', tags: ['extension'] }]);
    expect(existsSync(join(pkg.chartDir, 'extension.yaml'))).toBe(true);
    expect(readFileSync(join(pkg.chartDir, 'charts', 'frontend', 'files', 'index.js'))).toEqual(readFileSync(bundle));
  });

  it('renders a ConfigMap holding exactly the built bundle and a JSBundle that references it', () => {
    const docs = renderFrontend(pkg.chartDir);
    const cm = docs.find((d) => d.kind === 'ConfigMap');
    const js = docs.find((d) => d.kind === 'JSBundle');
    expect(cm && js).toBeTruthy();
    expect(cm!.metadata).toMatchObject({ name: 'harbor-connect-js-bundle', namespace: 'extension-harbor-connect' });
    expect(Buffer.from(cm!.data['index.js'], 'utf8').equals(readFileSync(bundle))).toBe(true);
    expect(js).toMatchObject({
      apiVersion: 'extensions.kubesphere.io/v1alpha1',
      metadata: { name: 'harbor-connect' },
      spec: { rawFrom: { configMapKeyRef: { key: 'index.js', name: cm!.metadata.name, namespace: cm!.metadata.namespace } } },
      status: { link: '/dist/harbor-connect/index.js', state: 'Available' },
    });
    // ConfigMaps are limited to 1 MiB.
    expect(readFileSync(bundle).length).toBeLessThan(1024 * 1024 - 4096);
  });

  it('writes a .tgz that holds the same folder', () => {
    expect(pkg.tgz.endsWith(`harbor-connect-${pkg.version}.tgz`)).toBe(true);
    const list = execFileSync('tar', ['-tzf', pkg.tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['harbor-connect/Chart.yaml', 'harbor-connect/extension.yaml', 'harbor-connect/charts/frontend/files/index.js', 'harbor-connect/charts/frontend/templates/jsbundle.yaml', 'harbor-connect/static/icon.svg']) {
      expect(list, f).toContain(f);
    }
    const extracted = execFileSync('tar', ['-xzOf', pkg.tgz, 'harbor-connect/charts/frontend/files/index.js'], { maxBuffer: 16 * 1024 * 1024 });
    expect(extracted.equals(readFileSync(bundle))).toBe(true);
  });

  it('renders nothing it does not understand', () => {
    expect(() => renderTemplate('{{ .Values.x }}', { release: { Namespace: 'n', Name: 'r', Service: 'Helm' }, chart: { Name: 'c', Version: '1' }, files: () => '' })).toThrow(/not supported/);
  });
});
