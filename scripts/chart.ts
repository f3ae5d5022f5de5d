// YAML stream helpers for the package tests. Rendering is Helm's own (tests/helm.test.ts runs the real Helm).

/** Splits rendered YAML into documents, dropping empty ones (comments only). */
export function splitDocuments(yamlText: string): string[] {
  return yamlText
    .split(/^---\s*$/m)
    .map((d) => d.trim())
    .filter((d) => d.split('\n').some((l) => l.trim() && !l.trim().startsWith('#')));
}
