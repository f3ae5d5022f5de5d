import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  buildDockerConfigJson,
  dockerConfigSecretData,
  parseDockerConfigJson,
  getDockerConfigCredential,
  isRobotAccount,
  buildPullSecret,
  validateCredential,
  DockerCredentialError,
  utf8ToBase64,
  base64ToUtf8,
} from './index';

// Made outside this project, with kubectl v1.32.4:
//   kubectl create secret docker-registry regcred --docker-server=harbor.example.com \
//     --docker-username='robot$proj+ci' --docker-password='StrongPassword123!' --docker-email=admin@example.com \
//     -n demo --dry-run=client -o json
const KUBECTL_SECRET = {
  kind: 'Secret',
  apiVersion: 'v1',
  metadata: { name: 'regcred', namespace: 'demo', creationTimestamp: null },
  data: {
    '.dockerconfigjson':
      'eyJhdXRocyI6eyJoYXJib3IuZXhhbXBsZS5jb20iOnsidXNlcm5hbWUiOiJyb2JvdCRwcm9qK2NpIiwicGFzc3dvcmQiOiJTdHJvbmdQYXNzd29yZDEyMyEiLCJlbWFpbCI6ImFkbWluQGV4YW1wbGUuY29tIiwiYXV0aCI6ImNtOWliM1FrY0hKdmFpdGphVHBUZEhKdmJtZFFZWE56ZDI5eVpERXlNeUU9In19fQ==',
  },
  type: 'kubernetes.io/dockerconfigjson',
};
// Same kubectl, --docker-server=https://harbor.example.com:8443 --docker-username='用户' --docker-password='pä$s🔑'
const KUBECTL_UNICODE =
  'eyJhdXRocyI6eyJodHRwczovL2hhcmJvci5leGFtcGxlLmNvbTo4NDQzIjp7InVzZXJuYW1lIjoi55So5oi3IiwicGFzc3dvcmQiOiJww6Qkc/CflJEiLCJhdXRoIjoiNTVTbzVvaTNPbkREcENSejhKK1VrUT09In19fQ==';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64'); // independent oracle, tests only

describe('buildDockerConfigJson', () => {
  it('writes what kubectl create secret docker-registry writes, byte for byte', () => {
    const data = dockerConfigSecretData({ server: 'https://Harbor.Example.com/', username: 'robot$proj+ci', password: 'StrongPassword123!', email: 'admin@example.com' });
    expect(data).toBe(KUBECTL_SECRET.data['.dockerconfigjson']);
  });

  it('is UTF-8 safe and always writes auth', () => {
    const json = JSON.parse(buildDockerConfigJson({ server: 'harbor.example.com:8443', username: '用户', password: 'pä$s🔑' }));
    const kubectl = JSON.parse(base64ToUtf8(KUBECTL_UNICODE)!);
    expect(json.auths['harbor.example.com:8443']).toEqual(kubectl.auths['https://harbor.example.com:8443']);
    expect(json.auths['harbor.example.com:8443'].auth).toBe(b64('用户:pä$s🔑'));
  });

  it('normalizes the server and refuses bad input', () => {
    expect(Object.keys(JSON.parse(buildDockerConfigJson({ server: 'docker.io', username: 'u', password: 'p' })).auths)).toEqual(['https://index.docker.io/v1/']);
    expect(() => buildDockerConfigJson({ server: 'harbor.example.com/library', username: 'u', password: 'p' })).toThrow(DockerCredentialError);
    expect(() => buildDockerConfigJson({ server: 'http://h.example.com', username: 'u', password: 'p' })).toThrow(/insecure-needs-consent/);
    expect(Object.keys(JSON.parse(buildDockerConfigJson({ server: 'http://h.example.com', username: 'u', password: 'p', allowInsecure: true })).auths)).toEqual(['http://h.example.com']);
    expect(validateCredential({ username: 'a:b', password: '' })).toEqual(['username-has-colon', 'empty-password']);
  });

  it('base64 round-trips any text (property, checked against Buffer)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8ToBase64(s)).toBe(b64(s));
        expect(base64ToUtf8(utf8ToBase64(s))).toBe(s);
      }),
    );
  });

  it('buildPullSecret is a labelled dockerconfigjson Secret; http adds KubeSphere force-insecure', () => {
    const s = buildPullSecret({ name: 'harbor-pull', namespace: 'demo', registryId: 'harbor.example.com', server: 'http://harbor.example.com', username: 'u', password: 'p', allowInsecure: true });
    expect(s).toMatchObject({
      type: 'kubernetes.io/dockerconfigjson',
      metadata: {
        labels: { 'app.kubernetes.io/managed-by': 'harbor-connect', 'harbor-connect.kubesphere.io/registry': 'harbor.example.com' },
        annotations: { 'secret.kubesphere.io/force-insecure': 'true' },
      },
    });
  });
});

const secretOf = (json: unknown, type = 'kubernetes.io/dockerconfigjson', key = '.dockerconfigjson') => ({ type, data: { [key]: b64(typeof json === 'string' ? json : JSON.stringify(json)) } });

describe('parseDockerConfigJson', () => {
  it('reads kubectl output, without the password', () => {
    const r = parseDockerConfigJson(KUBECTL_SECRET, 'harbor.example.com');
    expect(r).toEqual({
      ok: true,
      format: 'dockerconfigjson',
      entries: [{ serverKey: 'harbor.example.com', username: 'robot$proj+ci', hasPassword: true, email: 'admin@example.com', hasAuth: true, warnings: [] }],
      matches: [{ serverKey: 'harbor.example.com', username: 'robot$proj+ci', hasPassword: true, email: 'admin@example.com', hasAuth: true, warnings: [] }],
    });
    expect(JSON.stringify(r)).not.toContain('StrongPassword');
    expect(getDockerConfigCredential(KUBECTL_SECRET, 'https://harbor.example.com')).toEqual({
      serverKey: 'harbor.example.com',
      username: 'robot$proj+ci',
      password: 'StrongPassword123!',
      email: 'admin@example.com',
    });
  });

  it('reads the legacy .dockercfg format (no auths wrapper)', () => {
    const r = parseDockerConfigJson(secretOf({ 'harbor.example.com': { auth: b64('u:p') } }, 'kubernetes.io/dockercfg', '.dockercfg'));
    expect(r).toMatchObject({ ok: true, format: 'dockercfg', entries: [{ serverKey: 'harbor.example.com', username: 'u', hasPassword: true }] });
    expect(parseDockerConfigJson(secretOf({ auths: {} }, 'kubernetes.io/dockercfg', '.dockercfg'))).toMatchObject({ ok: false, error: 'malformed-json' });
  });

  it('tells every failure apart', () => {
    expect(parseDockerConfigJson('{not json')).toMatchObject({ ok: false, error: 'malformed-json' });
    expect(parseDockerConfigJson('{"harbor.example.com":{}}')).toEqual({ ok: false, error: 'missing-auths' });
    expect(parseDockerConfigJson({ type: 'kubernetes.io/dockerconfigjson', data: {} })).toEqual({ ok: false, error: 'missing-key', key: '.dockerconfigjson' });
    expect(parseDockerConfigJson({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': 'not base64!' } })).toEqual({ ok: false, error: 'bad-base64', key: '.dockerconfigjson' });
    expect(parseDockerConfigJson(secretOf({ auths: { h: { auth: '%%%' } } }))).toEqual({ ok: false, error: 'bad-base64', key: 'auth', serverKey: 'h' });
    expect(parseDockerConfigJson(secretOf({ auths: { h: { auth: b64('nocolon') } } }))).toEqual({ ok: false, error: 'bad-auth', serverKey: 'h' });
    const mismatch = parseDockerConfigJson(secretOf({ auths: { 'harbor.example.com': { username: 'admin', password: 'new', auth: b64('admin:old') } } }));
    expect(mismatch).toMatchObject({ ok: false, error: 'auth-mismatch', serverKey: 'harbor.example.com', field: 'password' });
    const other = parseDockerConfigJson(secretOf({ auths: { 'other.example.com': { auth: b64('u:p') }, 'harbor.example.com:8443': { auth: b64('u:p') } } }), 'harbor.example.com');
    expect(other).toMatchObject({ ok: false, error: 'no-entry-for-host', host: 'harbor.example.com', available: ['other.example.com', 'harbor.example.com:8443'] });
  });

  it('flags the guide\'s Opaque secret: kubelet ignores .dockerconfigjson in it', () => {
    expect(parseDockerConfigJson(secretOf({ auths: {} }, 'Opaque'))).toEqual({
      ok: false,
      error: 'wrong-type',
      type: 'Opaque',
      key: '.dockerconfigjson',
      expectedType: 'kubernetes.io/dockerconfigjson',
    });
  });

  it('warns about keys kubelet will not match as expected', () => {
    const r = parseDockerConfigJson(
      secretOf({ auths: { 'https://harbor.example.com:443': { username: 'u', password: 'p' }, 'harbor.example.com/library': { auth: b64('u:p'), identitytoken: 'x' } } }),
    );
    expect(r.ok && r.entries.map((e) => e.warnings)).toEqual([['explicit-default-port', 'missing-auth-field'], ['token-ignored', 'key-has-path']]);
  });

  it('finds Docker Hub entries for docker.io', () => {
    const r = parseDockerConfigJson(buildDockerConfigJson({ server: 'docker.io', username: 'u', password: 'p' }), 'docker.io');
    expect(r).toMatchObject({ ok: true, matches: [{ serverKey: 'https://index.docker.io/v1/' }] });
  });

  it('build → parse round-trips (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: 'grapheme' }).filter((u) => !u.includes(':')),
        fc.string({ minLength: 1, unit: 'grapheme' }),
        (username, password) => {
          const data = dockerConfigSecretData({ server: 'harbor.example.com:8443', username, password });
          const secret = { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': data } };
          expect(parseDockerConfigJson(secret, 'harbor.example.com:8443')).toMatchObject({ ok: true, entries: [{ username, hasPassword: true }] });
          expect(getDockerConfigCredential(secret, 'harbor.example.com:8443')?.password).toBe(password);
        },
      ),
    );
  });
});

describe('isRobotAccount', () => {
  it('recognises Harbor robot names', () => {
    expect(isRobotAccount('robot$proj+ci')).toEqual({ prefix: 'robot$', project: 'proj', name: 'ci', level: 'project' });
    expect(isRobotAccount('robot$scanner')).toEqual({ prefix: 'robot$', name: 'scanner', level: 'system' });
    expect(isRobotAccount('admin')).toBeNull();
    expect(isRobotAccount('robot$')).toBeNull();
    expect(isRobotAccount('robot_proj+ci')).toBeNull();
    expect(isRobotAccount('robot_proj+ci', { prefixes: ['robot$', 'robot_'] })).toEqual({ prefix: 'robot_', project: 'proj', name: 'ci', level: 'project' });
  });
});
