// How a plan is shown before it runs: YAML documents and the kubectl commands a user would type.

import type { Write } from './write';
import { toYaml } from './yaml';
import { maskSecrets } from './mask';

export interface RenderOptions {
  /** Show Secret values as they are. Default false: they are masked (maskSecrets). */
  reveal?: boolean;
}

function target(w: Write): string {
  return w.namespace ? `${w.namespace}/${w.name}` : w.name;
}

/** The object (or patch) a write sends, as one YAML document with a comment naming the write. */
export function writeToYamlDocument(write: Write, options: RenderOptions = {}): string {
  const w = options.reveal ? write : maskSecrets(write);
  const header = `# ${w.action} ${w.kind} ${target(w)}`;
  switch (w.action) {
    case 'create':
    case 'replace':
      return `${header}\n${toYaml(w.body ?? {})}`;
    case 'patch':
      return `${header} (${w.patchType ?? 'strategic-merge'} patch)\n${toYaml(w.patch ?? {})}`;
    case 'delete':
      return `${header}\n${toYaml({
        apiVersion: w.apiVersion,
        kind: w.kind,
        metadata: { name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) },
      })}`;
  }
}

/** All writes as one multi-document YAML stream. */
export function planToYaml(writes: readonly Write[], options: RenderOptions = {}): string {
  return writes.map((w) => `---\n${writeToYamlDocument(w, options)}`).join('');
}

const WELL_KNOWN_GROUPS = new Set(['', 'apps', 'batch', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'policy', 'storage.k8s.io']);

/** The TYPE argument kubectl needs: `serviceaccount`, or `jsbundle.v1alpha1.extensions.kubesphere.io` for others. */
export function kubectlResourceType(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const k = kind.toLowerCase();
  return WELL_KNOWN_GROUPS.has(group) ? k : `${k}.${version}.${group}`;
}

/** POSIX shell quoting: bare when safe, else single quotes with ' written as '\''. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_\-./:=@,+%]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function heredoc(command: string, text: string): string {
  // The delimiter must not occur as a line of the document.
  let delim = 'EOF';
  const lines = new Set(text.split('\n'));
  for (let i = 1; lines.has(delim); i++) delim = `EOF${i}`;
  return `${command} <<'${delim}'\n${text.endsWith('\n') ? text : `${text}\n`}${delim}`;
}

const PATCH_TYPE_FLAG = { json: 'json', merge: 'merge', 'strategic-merge': 'strategic' } as const;

/** The kubectl command equivalent to a write (Secret values masked unless `reveal`). */
export function writeToKubectl(write: Write, options: RenderOptions = {}): string {
  const w = options.reveal ? write : maskSecrets(write);
  const type = kubectlResourceType(w.apiVersion, w.kind);
  const bodyNs = (w.body?.metadata as { namespace?: string } | undefined)?.namespace;
  const ns = w.namespace ? ` -n ${shellQuote(w.namespace)}` : '';
  switch (w.action) {
    case 'create':
    case 'replace':
      // `create` fails if the object exists and `replace` fails if its resourceVersion changed: both keep the
      // plan's guarantees; `apply` would not.
      return heredoc(`kubectl ${w.action}${w.namespace && !bodyNs ? ns : ''} -f -`, toYaml(w.body ?? {}));
    case 'patch':
      return `kubectl patch ${type} ${shellQuote(w.name)}${ns} --type=${PATCH_TYPE_FLAG[w.patchType ?? 'strategic-merge']} -p ${shellQuote(
        JSON.stringify(w.patch ?? {}),
      )}`;
    case 'delete':
      return `kubectl delete ${type} ${shellQuote(w.name)}${ns}`;
  }
}
