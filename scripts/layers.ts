// The layer rule for src/features: it holds hooks and components only. An exported function there must touch
// React, the network, the browser (storage, the console's globals) or the console's translations, directly or
// through a helper; any other exported function is pure logic and belongs in src/domain. `npx tsx
// scripts/layers.ts` lists offenders; tests/layers.test.ts fails on any.
//   - the network: the function reaches the HTTP client (src/api/client.ts `request` or `http`, or the `fetch`
//     global), through any chain of calls in src/features and src/api. Using src/api for something else (a query
//     key, an error predicate, a constant) does not make a function network code.
//   - translations: a function that calls the console's `tr`/`t` (src/i18n) is UI: the translation of a domain
//     value (a locale key and its params) stays next to the component that shows it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** React and the UI libraries. */
const IMPURE_PACKAGES = /^(react|react-dom|react-router-dom|@tanstack\/|@kubed\/|styled-components)/;
/** Browser and host globals (fetch: the network). */
const IMPURE_GLOBALS = new Set(['window', 'document', 'localStorage', 'sessionStorage', 'globals', 'fetch', 'navigator', 'location', 'setTimeout', 'setInterval', 'WebSocket', 'EventSource', 'Worker']);
/** The HTTP client's entry points in src/api/client.ts: what makes a function network code. */
const HTTP_CLIENT = new Set(['request', 'http']);

export interface Offender {
  file: string;
  name: string;
}

/**
 * Reported, not failed on: pure functions still in src/features, each with why it has not moved yet. Take an entry
 * out when its function moves (tests/layers.test.ts fails on an entry that is no longer found).
 */
export const PENDING: ReadonlyArray<Offender & { why: string }> = [];

export const isPending = (o: Offender) => PENDING.some((p) => p.file === o.file && p.name === o.name);

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

/** Exported functions of src/features that touch neither React, the network, the browser nor the translations. */
export function pureFeatureFunctions(root: string): Offender[] {
  const src = join(root, 'src');
  const api = join(src, 'api');
  const client = join(api, 'client.ts');
  const features = join(src, 'features');
  const i18n = join(src, 'i18n');
  const exists = (d: string) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  };
  // src/api is read too, to tell which of its exports reach the HTTP client.
  const all = [...files(features), ...(exists(api) ? files(api) : [])];
  const parsed = new Map(all.map((f) => [f, ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, f.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)]));

  // Per file: imported runtime names, re-exports, and local top-level declarations.
  interface Import {
    /** React or a UI library, a namespace import, or src/i18n (translation: UI). */
    impure: boolean;
    file?: string;
    name: string;
  }
  interface FileInfo {
    imports: Map<string, Import>;
    /** export { a as b } [from './x']: b → where a is (file undefined: this file). */
    reexports: Map<string, { file?: string; name: string }>;
    /** export * from './x'. */
    stars: string[];
    locals: Map<string, ts.Node>;
    exported: Array<{ name: string; node: ts.Node }>;
  }
  const info = new Map<string, FileInfo>();
  for (const [file, sf] of parsed) {
    const fi: FileInfo = { imports: new Map(), reexports: new Map(), stars: [], locals: new Map(), exported: [] };
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st)) {
        const spec = (st.moduleSpecifier as ts.StringLiteral).text;
        const clause = st.importClause;
        if (!clause || clause.isTypeOnly) continue;
        const target = resolveModule(file, spec);
        const impure = IMPURE_PACKAGES.test(spec) || (!!target && target.startsWith(i18n + '/'));
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
      if (ts.isExportDeclaration(st)) {
        if (st.isTypeOnly) continue;
        const target = st.moduleSpecifier ? resolveModule(file, (st.moduleSpecifier as ts.StringLiteral).text) : undefined;
        if (st.moduleSpecifier && !target) continue;
        const ec = st.exportClause;
        if (!ec) {
          if (target) fi.stars.push(target);
        } else if (ts.isNamedExports(ec)) {
          for (const el of ec.elements) {
            if (el.isTypeOnly) continue;
            fi.reexports.set(el.name.text, { file: target, name: (el.propertyName ?? el.name).text });
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

  /** Where an imported name is declared: through `export { } from` and `export * from`; undefined if not read. */
  const declaration = (file: string, name: string, seen = new Set<string>()): { file: string; name: string; impure?: boolean } | undefined => {
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const fi = info.get(file);
    if (!fi) return undefined;
    if (fi.locals.has(name)) return { file, name };
    const re = fi.reexports.get(name);
    if (re) {
      if (re.file) return declaration(re.file, re.name, seen);
      if (fi.locals.has(re.name)) return { file, name: re.name };
      const imp = fi.imports.get(re.name);
      if (imp?.impure) return { file, name: re.name, impure: true };
      return imp?.file ? declaration(imp.file, imp.name, seen) : undefined;
    }
    for (const star of fi.stars) {
      const d = declaration(star, name, seen);
      if (d) return d;
    }
    return undefined;
  };

  const memo = new Map<string, boolean>();
  const impure = (file: string, name: string, seen: Set<string>): boolean => {
    if (file === client && HTTP_CLIENT.has(name)) return true;
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
            else if (imp.file) {
              const d = declaration(imp.file, imp.name);
              if (d && (d.impure || impure(d.file, d.name, seen))) result = true;
            }
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
    if (!file.startsWith(features + '/')) continue;
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
  for (const o of found) console.log(`${o.file}: ${o.name}${isPending(o) ? ` (pending: ${PENDING.find((p) => p.file === o.file && p.name === o.name)?.why})` : ''}`);
  const failing = found.filter((o) => !isPending(o));
  console.log(
    failing.length
      ? `${failing.length} pure function(s) in src/features: move them to src/domain`
      : found.length
        ? `src/features: no pure exported function but ${found.length} pending (above)`
        : 'src/features: no pure exported function',
  );
  process.exit(failing.length ? 1 : 0);
}
