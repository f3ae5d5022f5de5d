import { describe, expect, it } from 'vitest';
import { ApiError } from './contract';
import { compileFieldSelector, matchesLabels, nameFromFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors';

const match = (sel: string, labels: Record<string, string>) => matchesLabels(parseLabelSelector(sel), labels);

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected an error');
}

describe('label selectors', () => {
  it('matches every operator as labels.Parse does', () => {
    const l = { app: 'web', tier: 'front', n: '5' };
    expect(match('app=web', l)).toBe(true);
    expect(match('app==web', l)).toBe(true);
    expect(match('app!=web', l)).toBe(false);
    expect(match('app!=db', l)).toBe(true);
    expect(match('missing!=x', l)).toBe(true); // != matches when the key is absent
    expect(match('app in (db, web)', l)).toBe(true);
    expect(match('app notin (db,web)', l)).toBe(false);
    expect(match('missing notin (a)', l)).toBe(true);
    expect(match('tier', l)).toBe(true);
    expect(match('!tier', l)).toBe(false);
    expect(match('!missing', l)).toBe(true);
    expect(match('app=web,tier=front', l)).toBe(true);
    expect(match('app=web,tier=back', l)).toBe(false);
    expect(match('n>4', l)).toBe(true);
    expect(match('n<4', l)).toBe(false);
    expect(match('', l)).toBe(true);
    expect(match('app=', { app: '' })).toBe(true);
    expect(match('app in ()', { app: '' })).toBe(true);
  });

  it('treats in/notin as values where a value is expected', () => {
    expect(match('x in (in,notin)', { x: 'notin' })).toBe(true);
  });

  it('accepts qualified keys', () => {
    expect(match('kubesphere.io/workspace=demo-ws', { 'kubesphere.io/workspace': 'demo-ws' })).toBe(true);
    expect(match('app.kubernetes.io/managed-by=harbor-connect', {})).toBe(false);
  });

  it('rejects bad syntax with the apiserver wording (400)', () => {
    const e1 = errorOf(() => parseLabelSelector('app in web'));
    expect(e1.code).toBe(400);
    expect(e1.reason).toBe('BadRequest');
    expect(e1.message).toBe("unable to parse requirement: found 'web' expected: '('");
    expect(errorOf(() => parseLabelSelector('app=web,')).message).toBe("found '', expected: identifier after ','");
    expect(errorOf(() => parseLabelSelector('a b')).message).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(errorOf(() => parseLabelSelector('a=b c')).message).toBe("found 'c', expected: ',' or 'end of string'");
    expect(errorOf(() => parseLabelSelector('!a=b')).message).toBe("found '=', expected: ',' or 'end of string'");
    expect(errorOf(() => parseLabelSelector('a ~ b')).message).toBe("unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt");
  });

  it('validates keys and values like NewRequirement', () => {
    expect(errorOf(() => parseLabelSelector('Bad@Key=x')).message).toMatch(
      /^unable to parse requirement: <nil>: Invalid value: "Bad@Key": name part must consist of alphanumeric characters/,
    );
    expect(errorOf(() => parseLabelSelector('a=b@c')).message).toMatch(
      /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "b@c": a valid label must be an empty string or consist of alphanumeric characters/,
    );
  });
});

describe('field selectors', () => {
  const podFields = { 'metadata.name': (o: any) => o.metadata.name, 'status.phase': (o: any) => o.status?.phase ?? '' };

  it('parses =, == and != with escapes', () => {
    expect(parseFieldSelector('status.phase=Running,metadata.name!=x')).toEqual([
      { field: 'metadata.name', operator: '!=', value: 'x' },
      { field: 'status.phase', operator: '=', value: 'Running' },
    ]);
    expect(parseFieldSelector('a==b')).toEqual([{ field: 'a', operator: '=', value: 'b' }]);
    expect(parseFieldSelector('a=b\\,c')).toEqual([{ field: 'a', operator: '=', value: 'b,c' }]);
  });

  it('rejects a term without operator', () => {
    const e = errorOf(() => parseFieldSelector('status.phase'));
    expect(e.code).toBe(400);
    expect(e.message).toBe("invalid selector: 'status.phase'; can't understand 'status.phase'");
  });

  it('matches per kind field labels, rejecting unknown ones as the apiserver does', () => {
    const m = compileFieldSelector(parseFieldSelector('status.phase=Running'), podFields);
    expect(m({ metadata: { name: 'a' }, status: { phase: 'Running' } })).toBe(true);
    expect(m({ metadata: { name: 'a' }, status: { phase: 'Pending' } })).toBe(false);
    expect(errorOf(() => compileFieldSelector(parseFieldSelector('spec.foo=x'), podFields)).message).toBe('field label not supported: spec.foo');
    // Kinds without their own conversion only know name and namespace.
    expect(errorOf(() => compileFieldSelector(parseFieldSelector('spec.foo=x'), undefined)).message).toBe(
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it('reads the name a list or watch is about, like RequestInfo', () => {
    expect(nameFromFieldSelector('metadata.name=web')).toBe('web');
    expect(nameFromFieldSelector('metadata.name=web,status.phase=Running')).toBe('web');
    expect(nameFromFieldSelector('metadata.name!=web')).toBeUndefined();
  });
});
