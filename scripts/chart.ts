// A deliberately tiny renderer for the frontend chart's templates, for tests and checks where helm is
// not installed (Debian 12 has no helm package). It understands exactly the actions the templates use
// and throws on anything else, so a template change that needs real helm cannot pass silently.

export interface RenderContext {
  release: { Namespace: string; Name: string; Service: string };
  chart: { Name: string; Version: string };
  /** Reads a file of the chart, by its path inside the chart ('files/index.js'). */
  files: (path: string) => string;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

export function renderTemplate(template: string, ctx: RenderContext): string {
  return template.replace(ACTION, (whole, expr: string) => {
    if (/^\/\*.*\*\/$/.test(expr)) return '';
    let m: RegExpExecArray | null;
    if ((m = /^\.Release\.(Namespace|Name|Service)$/.exec(expr))) return ctx.release[m[1] as 'Namespace' | 'Name' | 'Service'];
    if ((m = /^\.Chart\.(Name|Version)$/.exec(expr))) return ctx.chart[m[1] as 'Name' | 'Version'];
    if ((m = /^\.Files\.Get\s+"([^"]+)"\s*\|\s*toJson$/.exec(expr))) return JSON.stringify(ctx.files(m[1]));
    throw new Error(`template action not supported by the test renderer: ${whole}`);
  });
}

/** Splits rendered YAML into documents, dropping empty ones (comments only). */
export function splitDocuments(yamlText: string): string[] {
  return yamlText
    .split(/^---\s*$/m)
    .map((d) => d.trim())
    .filter((d) => d.split('\n').some((l) => l.trim() && !l.trim().startsWith('#')));
}
