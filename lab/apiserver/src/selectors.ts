// Label and field selectors, ported from k8s.io/apimachinery/pkg/labels/selector.go and pkg/fields/selector.go,
// so the same strings parse (and fail to parse, with the same messages) as on a real kube-apiserver.
import { badRequest, goQuote } from './errors';
import { isQualifiedName, isValidLabelValue } from './names';

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

enum Tok {
  Error,
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const string2token: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

function lex(s: string): Array<{ tok: Tok; lit: string }> {
  let pos = 0;
  const read = () => (pos < s.length ? s[pos++] : '');
  const out: Array<{ tok: Tok; lit: string }> = [];
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    if (ch === '') {
      out.push({ tok: Tok.End, lit: '' });
      return out;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = '';
      let last: { tok: Tok; lit: string } | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c)) {
          buffer += c;
          const t = string2token[buffer];
          if (t !== undefined) last = { tok: t, lit: buffer };
          else if (last) {
            pos--;
            break;
          }
        } else {
          pos--;
          break;
        }
      }
      out.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      const t = string2token[buffer];
      out.push({ tok: t ?? Tok.Identifier, lit: buffer });
    }
  }
}

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

class SelectorError extends Error {}

/** labels.Parse: throws a 400 BadRequest ApiError with apimachinery's message on bad input. */
export function parseLabelSelector(selector: string): LabelSelector {
  try {
    return parseLabels(selector);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

function parseLabels(selector: string): LabelSelector {
  const items = lex(selector);
  let position = 0;
  // In the Values context 'in' and 'notin' are plain identifiers.
  const look = (values: boolean) => {
    const it = items[position];
    const tok = values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? Tok.Identifier : it.tok;
    return { tok, lit: it.lit };
  };
  const consume = (values: boolean) => {
    const r = look(values);
    position++;
    return r;
  };
  const reqs: LabelSelector = [];

  const parseRequirement = (): LabelRequirement => {
    let op: LabelOperator | undefined;
    let { tok, lit } = consume(true);
    if (tok === Tok.DoesNotExist) {
      op = '!';
      ({ tok, lit } = consume(true));
    }
    if (tok !== Tok.Identifier) throw new SelectorError(`found '${lit}', expected: identifier`);
    const key = lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new SelectorError(`<nil>: Invalid value: ${goQuote(key)}: ${keyErrs.join('; ')}`);
    const next = look(true).tok;
    if (op === '!' || next === Tok.End || next === Tok.Comma) {
      return validated({ key, operator: op ?? 'exists', values: [] });
    }
    const o = consume(false);
    let operator: LabelOperator;
    switch (o.tok) {
      case Tok.In:
        operator = 'in';
        break;
      case Tok.Equals:
        operator = '=';
        break;
      case Tok.DoubleEquals:
        operator = '==';
        break;
      case Tok.GreaterThan:
        operator = 'gt';
        break;
      case Tok.LessThan:
        operator = 'lt';
        break;
      case Tok.NotIn:
        operator = 'notin';
        break;
      case Tok.NotEquals:
        operator = '!=';
        break;
      default:
        throw new SelectorError(`found '${o.lit}', expected: ${binaryOperators}`);
    }
    let values: string[];
    if (operator === 'in' || operator === 'notin') values = parseValues();
    else values = parseExactValue();
    return validated({ key, operator, values });
  };

  const parseValues = (): string[] => {
    const open = consume(true);
    if (open.tok !== Tok.OpenPar) throw new SelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = look(true);
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = parseIdentifiersList();
      if (consume(true).tok !== Tok.ClosedPar) throw new SelectorError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      consume(true);
      return [''];
    }
    throw new SelectorError(`found '${lit}', expected: ',', ')' or identifier`);
  };

  const parseIdentifiersList = (): string[] => {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = consume(true);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const n = look(true);
        if (n.tok === Tok.Comma) continue;
        if (n.tok === Tok.ClosedPar) return [...s].sort();
        throw new SelectorError(`found '${n.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (s.size === 0) s.add('');
        const n = look(true).tok;
        if (n === Tok.ClosedPar) {
          s.add('');
          return [...s].sort();
        }
        if (n === Tok.Comma) s.add('');
      } else {
        throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  };

  const parseExactValue = (): string[] => {
    const n = look(true).tok;
    if (n === Tok.End || n === Tok.Comma) return [''];
    const { tok, lit } = consume(true);
    if (tok === Tok.Identifier) return [lit];
    throw new SelectorError(`found '${lit}', expected: identifier`);
  };

  for (;;) {
    const { tok, lit } = look(true);
    if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
      let r: LabelRequirement;
      try {
        r = parseRequirement();
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      reqs.push(r);
      const t = consume(true);
      if (t.tok === Tok.End) break;
      if (t.tok === Tok.Comma) {
        const t2 = look(true);
        if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
          throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`);
        }
        continue;
      }
      throw new SelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
    }
    if (tok === Tok.End) break;
    throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
  }
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** NewRequirement's checks (value count per operator, label value syntax). */
function validated(r: LabelRequirement): LabelRequirement {
  const errs: string[] = [];
  const vals = r.values;
  const fmt = (v: string[]) => `[]string{${v.map(goQuote).join(', ')}}`;
  switch (r.operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(`values: Invalid value: ${fmt(vals)}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(`values: Invalid value: ${fmt(vals)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(`values: Invalid value: ${fmt(vals)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(`values: Invalid value: ${fmt(vals)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      vals.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(`values[${i}]: Invalid value: ${goQuote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  vals.forEach((v, i) => {
    const e = isValidLabelValue(v);
    if (e.length) errs.push(`values[${i}][${r.key}]: Invalid value: ${goQuote(v)}: ${e.join('; ')}`);
  });
  if (errs.length) throw new SelectorError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return r;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const ls = labels ?? {};
  for (const r of selector) {
    const has = Object.prototype.hasOwnProperty.call(ls, r.key);
    const val = ls[r.key];
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        if (!has || !r.values.includes(val)) return false;
        break;
      case 'notin':
      case '!=':
        if (has && r.values.includes(val)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^[+-]?\d+$/.test(val)) return false;
        const a = BigInt(val);
        const b = BigInt(r.values[0]);
        if (r.operator === 'gt' ? !(a > b) : !(a < b)) return false;
        break;
      }
    }
  }
  return true;
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** fields.ParseSelector: terms split on unescaped ',', each "a=b", "a==b" or "a!=b"; values may escape \ , =. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const terms = splitTerms(selector).sort();
  const out: FieldRequirement[] = [];
  for (const part of terms) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeValue(t.rhs);
    if (value === undefined) throw badRequest(`invalid field selector value ${goQuote(t.rhs)}`);
    out.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return out;
}

function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  const ops = ['!=', '==', '='];
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    const rest = term.slice(i);
    for (const op of ops) {
      if (rest.startsWith(op)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string | undefined {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      const n = s[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
      } else return undefined;
    } else out += s[i];
  }
  return out;
}

/** Which field labels a kind supports, and how each reads the object (pkg/apis/<group>/v1/conversion.go). */
export type FieldGetter = (obj: Record<string, any>) => string;

export const metaFields: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata?.name ?? '',
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
};

/** Resolves field labels for a kind; throws 400 with the apiserver's message for an unsupported one. */
export function compileFieldSelector(
  reqs: FieldRequirement[],
  fields: Record<string, FieldGetter> | undefined,
  aliases?: Record<string, string>,
): (obj: Record<string, any>) => boolean {
  const getters = reqs.map((r) => {
    const label = aliases?.[r.field] ?? r.field;
    if (!fields) {
      // DefaultMetaV1FieldSelectorConversion: only name and namespace.
      const g = metaFields[label];
      if (!g) throw badRequest(`${goQuote(r.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
      return { r, g };
    }
    const g = fields[label];
    if (!g) throw badRequest(`field label not supported: ${r.field}`);
    return { r, g };
  });
  return (obj) => getters.every(({ r, g }) => (r.operator === '=' ? g(obj) === r.value : g(obj) !== r.value));
}

/** metadata.name=x in a field selector, which the apiserver reads as the request's name (RequestInfo). */
export function nameFromFieldSelector(fieldSelector: string | undefined): string | undefined {
  if (!fieldSelector) return undefined;
  try {
    const reqs = parseFieldSelector(fieldSelector);
    const r = reqs.find((x) => x.field === 'metadata.name' && x.operator === '=');
    return r?.value;
  } catch {
    return undefined;
  }
}
