// The layer rule for src/features: it holds hooks and components only. An exported function there must touch
// React, the network (src/api) or the browser (storage, the console's globals), directly or through a local
// helper; any other exported function is pure logic and belongs in src/domain. `npx tsx scripts/layers.ts`
// lists offenders; tests/layers.test.ts fails on any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Modules whose runtime use makes a function impure (src/api: the network; src/i18n: the console's translations). */
const IMPURE_PACKAGES = /^(react|react-dom|react-router-dom|@tanstack\/|@kubed\/|styled-components)/;
/** Browser and host globals. */
const IMPURE_GLOBALS = new Set(['window', 'document', 'localStorage', 'sessionStorage', 'globals', 'fetch', 'navigator', 'location', 'setTimeout', 'setInterval', 'WebSocket', 'EventSource', 'Worker']);

export interface Offender {
  file: string;
  name: string;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$|\.d\.ts$/.test(n) ? [p] : [];
  });
}

function resolveModule(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Exported functions of src/features that touch neither React, the network nor the browser. */
export function pureFeatureFunctions(root: string): Offender[] {
  const src = join(root, 'src');
  const api = join(src, 'api');
  const features = join(src, 'features');
  const i18n = join(src, 'i18n');
  const all = files(features);
  const parsed = new Map(all.map((f) => [f, ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, f.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)]));

  // Per file: imported runtime names → impure?, and local top-level declarations.
  interface FileInfo {
    imports: Map<string, { impure: boolean; file?: string; name: string }>;
    locals: Map<string, ts.Node>;
    exported: Array<{ name: string; node: ts.Node }>;
  }
  const info = new Map<string, FileInfo>();
  for (const [file, sf] of parsed) {
    const fi: FileInfo = { imports: new Map(), locals: new Map(), exported: [] };
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st)) {
        const spec = (st.moduleSpecifier as ts.StringLiteral).text;
        const clause = st.importClause;
        if (!clause || clause.isTypeOnly) continue;
        const target = resolveModule(file, spec);
        const impure = IMPURE_PACKAGES.test(spec) || (!!target && (target.startsWith(api + '/') || target.startsWith(i18n + '/')));
        if (clause.name) fi.imports.set(clause.name.text, { impure, file: target, name: 'default' });
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) fi.imports.set(nb.name.text, { impure: true, file: target, name: '*' });
        if (nb && ts.isNamedImports(nb)) {
          for (const el of nb.elements) {
            if (el.isTypeOnly) continue;
            fi.imports.set(el.name.text, { impure, file: target, name: (el.propertyName ?? el.name).text });
          }
        }
        continue;
      }
      const isExported = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (ts.isFunctionDeclaration(st) && st.name) {
        fi.locals.set(st.name.text, st);
        if (isExported) fi.exported.push({ name: st.name.text, node: st });
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (!ts.isIdentifier(d.name)) continue;
          fi.locals.set(d.name.text, d);
          const init = d.initializer;
          const fn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
          if (isExported && fn) fi.exported.push({ name: d.name.text, node: d });
        }
      } else if (ts.isClassDeclaration(st) && st.name) {
        fi.locals.set(st.name.text, st);
      }
    }
    info.set(file, fi);
  }

  const memo = new Map<string, boolean>();
  const impure = (file: string, name: string, seen: Set<string>): boolean => {
    const key = `${file}#${name}`;
    if (memo.has(key)) return memo.get(key)!;
    if (seen.has(key)) return false;
    seen.add(key);
    const fi = info.get(file);
    const node = fi?.locals.get(name);
    let result = false;
    if (fi && node) {
      const visit = (n: ts.Node): void => {
        if (result) return;
        if (ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n)) {
          result = true;
          return;
        }
        if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n)) {
          const t = n.text;
          const imp = fi.imports.get(t);
          if (imp) {
            if (imp.impure) result = true;
            else if (imp.file && info.has(imp.file) && impure(imp.file, imp.name, seen)) result = true;
          } else if (t !== name && fi.locals.has(t)) {
            if (impure(file, t, seen)) result = true;
          } else if (IMPURE_GLOBALS.has(t)) {
            result = true;
          }
        }
        if (!ts.isTypeNode(n)) ts.forEachChild(n, visit);
      };
      ts.forEachChild(node, visit);
    }
    memo.set(key, result);
    return result;
  };

  const out: Offender[] = [];
  for (const [file, fi] of info) {
    for (const e of fi.exported) {
      // Components and hooks by name: React's own conventions.
      if (/^use[A-Z]/.test(e.name) || /^[A-Z]/.test(e.name)) continue;
      if (!impure(file, e.name, new Set())) out.push({ file: relative(root, file), name: e.name });
    }
  }
  return out.sort((a, b) => (a.file + a.name).localeCompare(b.file + b.name));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const found = pureFeatureFunctions(resolve(dirname(new URL(import.meta.url).pathname), '..'));
  for (const o of found) console.log(`${o.file}: ${o.name}`);
  console.log(found.length ? `${found.length} pure function(s) in src/features: move them to src/domain` : 'src/features: no pure exported function');
  process.exit(found.length ? 1 : 0);
}
