// A small YAML emitter, enough for Kubernetes objects (JSON data), so the bundle needs no YAML library.
// Strings that a YAML 1.1 or 1.2 reader could take for something else are double-quoted.

const RESERVED = new Set(['', '~', 'null', 'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', '<<', '=']);

function needsQuotes(s: string): boolean {
  if (RESERVED.has(s.toLowerCase())) return true;
  // Anything a reader might take for a number or date: starts like a number and has only number-ish characters
  // ("08", "0x1F", "1e3", "1_000", "12:30", "2024-01-01", "1.0"), or is a timestamp. "10.0.0.5/32" and "3m" stay plain.
  if (/^[-+.]?[0-9]/.test(s) && (/^[-+]?[0-9a-fA-FxXoObB._:eE+-]*$/.test(s) || /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt\s]|$)/.test(s))) return true;
  if (/^[-+]?\.(inf|nan)$/i.test(s)) return true;
  // Lenient YAML 1.1 readers (e.g. the `yaml` package) also take an exponent alone ("e0", "-E5") for a float.
  if (/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$/.test(s)) return true;
  // YAML 1.1 floats also include ".", "-.", "..", ".e+1" ([-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?).
  if (/^[-+]?\.(?:[0-9._]|[eE][-+]|$)/.test(s)) return true;
  // Indicators at the start, and sequences that end a plain scalar or begin a comment.
  if (/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(s)) return true;
  if (/\s$/.test(s) || /:(\s|$)/.test(s) || /\s#/.test(s)) return true;
  // Control characters, line breaks, and non-printables are only safe escaped.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(s)) return true;
  return false;
}

function quote(s: string): string {
  // JSON string syntax is valid YAML double-quoted syntax; escape what JSON leaves raw but YAML treats specially.
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function canBlock(s: string): boolean {
  // Literal blocks keep text as is; they cannot hold CR, other control characters, or trailing spaces on the last line.
  return s.includes('\n') && !/[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(s) && s.trim() !== '';
}

function blockScalar(s: string, indent: string): string {
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing > 0 ? s.slice(0, s.length - trailing) : s;
  const lines = body.split('\n');
  // An indentation indicator is needed when the first line starts with a space (the reader would take it as indent).
  const indicator = /^\s/.test(lines[0]) ? '2' : '';
  const out = lines.map((l) => (l === '' ? '' : indent + l));
  for (let i = 1; i < trailing; i++) out.push('');
  return `|${indicator}${chomp}\n${out.join('\n')}`;
}

export function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  const s = String(v);
  return needsQuotes(s) ? quote(s) : s;
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return !!v && typeof v === 'object' && Object.values(v as Record<string, unknown>).every((x) => x === undefined);
}

function isCollection(v: unknown): v is Record<string, unknown> | unknown[] {
  return !!v && typeof v === 'object';
}

function entries(o: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(o).filter(([, v]) => v !== undefined);
}

/** Emits one node at `indent` (the indentation of its own lines). Returns lines joined, without a final newline. */
function emitNode(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    return v
      .map((item) => {
        const x = item === undefined ? null : item;
        if (isCollection(x) && !isEmptyCollection(x)) {
          // The first line of the item shares the "- " line; the rest are indented by two more spaces.
          const inner = emitNode(x, `${indent}  `);
          return `${indent}- ${inner.slice(indent.length + 2)}`;
        }
        return `${indent}- ${inlineValue(x, `${indent}  `)}`;
      })
      .join('\n');
  }
  if (isCollection(v)) {
    return entries(v as Record<string, unknown>)
      .map(([k, x]) => {
        const key = yamlScalar(k);
        if (Array.isArray(x) && x.length > 0) return `${indent}${key}:\n${emitNode(x, indent)}`;
        if (isCollection(x) && !isEmptyCollection(x)) return `${indent}${key}:\n${emitNode(x, `${indent}  `)}`;
        return `${indent}${key}: ${inlineValue(x, `${indent}  `)}`;
      })
      .join('\n');
  }
  return indent + inlineValue(v, `${indent}  `);
}

function inlineValue(v: unknown, blockIndent: string): string {
  if (Array.isArray(v)) return '[]';
  if (isCollection(v)) return '{}';
  if (typeof v === 'string' && canBlock(v)) return blockScalar(v, blockIndent);
  return yamlScalar(v);
}

/** One YAML document for a JSON value (no leading `---`), ending in a newline. */
export function toYaml(value: unknown): string {
  if (!isCollection(value) || isEmptyCollection(value)) return `${inlineValue(value, '  ')}\n`;
  return `${emitNode(value, '')}\n`;
}
