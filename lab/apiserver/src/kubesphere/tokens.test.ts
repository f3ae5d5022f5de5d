import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Authorizer, RequestContext, Store } from '../contract';
import { kubesphereRoutes } from './routes';
import { ACCESS_TOKEN_TTL_SECONDS, createAuthenticator, TokenIssuer, tokenIssuer } from './tokens';

const labDir = mkdtempSync(join(tmpdir(), 'hc-ks-tokens-'));
afterAll(() => rmSync(labDir, { recursive: true, force: true }));

const withAuth = (token?: string) => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }) as IncomingMessage;
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

/** POSTs a form to /oauth/token through the route handler; answers status and JSON body. */
async function tokenRequest(form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const req = Readable.from([Buffer.from(new URLSearchParams(form).toString())]) as unknown as IncomingMessage;
  Object.assign(req, { method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  let status = 0;
  let text = '';
  const res = {
    writeHead(code: number) {
      status = code;
      return this;
    },
    end(chunk: string) {
      text = chunk;
    },
  } as unknown as ServerResponse;
  const ctx: RequestContext = { store: {} as Store, authorizer: {} as Authorizer, labDir, repoRoot: labDir };
  const handled = await kubesphereRoutes(req, res, new URL('http://x/oauth/token'), ctx);
  expect(handled).toBe(true);
  return { status, body: JSON.parse(text) };
}

describe('tokens', () => {
  it('issues KubeSphere-shaped JWTs for the password grant and accepts them', async () => {
    const { status, body } = await tokenRequest({ grant_type: 'password', username: 'demo-admin', password: 'P@88w0rd', client_id: 'kubesphere', client_secret: 'kubesphere' });
    expect(status).toBe(200);
    expect(body.expires_in).toBe(ACCESS_TOKEN_TTL_SECONDS);
    const claims = decode(body.access_token as string);
    expect(claims).toMatchObject({ username: 'demo-admin', token_type: 'access_token', iss: 'kubesphere' });
    expect(claims.exp - claims.iat).toBe(ACCESS_TOKEN_TTL_SECONDS);
    const authn = createAuthenticator({ labDir });
    expect(authn.authenticate(withAuth(body.access_token as string))).toEqual({ name: 'demo-admin', groups: ['system:authenticated'] });
    // A refresh token is not an access token.
    expect(authn.authenticate(withAuth(body.refresh_token as string))).toBeUndefined();
  });

  it('refuses a wrong password with OAuth2 invalid_grant', async () => {
    const { status, body } = await tokenRequest({ grant_type: 'password', username: 'admin', password: 'nope' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
    expect((await tokenRequest({ grant_type: 'password', username: 'nobody', password: 'P@88w0rd' })).status).toBe(400);
  });

  it('exchanges a refresh token for a new pair', async () => {
    const first = await tokenRequest({ grant_type: 'password', username: 'ws-admin', password: 'P@88w0rd' });
    const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(again.status).toBe(200);
    expect(decode(again.body.access_token as string).username).toBe('ws-admin');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.access_token as string })).status).toBe(400);
  });

  it('rejects tampered, foreign, expired and malformed tokens', () => {
    const issuer = tokenIssuer(labDir);
    const authn = createAuthenticator({ labDir });
    const good = issuer.sign('admin', 'access_token', 60);
    const [h, p, s] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decode(good), username: 'demo-viewer' })).toString('base64url');
    expect(authn.authenticate(withAuth(`${h}.${forged}.${s}`))).toBeUndefined();
    expect(authn.authenticate(withAuth(new TokenIssuer('another-secret').sign('admin', 'access_token', 60)))).toBeUndefined();
    expect(authn.authenticate(withAuth(issuer.sign('admin', 'access_token', 60, Date.now() - 120_000)))).toBeUndefined();
    expect(authn.authenticate(withAuth(issuer.sign('someone-else', 'access_token', 60)))).toBeUndefined();
    expect(authn.authenticate(withAuth('not-a-jwt'))).toBeUndefined();
    expect(authn.authenticate(withAuth())).toBeUndefined();
    expect(authn.authenticate(withAuth(good))?.name).toBe('admin');
    expect(p).toBeTruthy();
  });

  it('keeps its signing key private in the lab folder', () => {
    tokenIssuer(labDir);
    const mode = statSync(join(labDir, 'apiserver', 'jwt-secret')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('maps the system token file to system:lab-controller in system:masters, following rewrites', () => {
    mkdirSync(join(labDir, 'apiserver'), { recursive: true });
    const file = join(labDir, 'apiserver', 'system-token');
    writeFileSync(file, 'first-token\n');
    const authn = createAuthenticator({ labDir });
    expect(authn.authenticate(withAuth('first-token'))).toEqual({ name: 'system:lab-controller', groups: ['system:masters', 'system:authenticated'] });
    // server.ts writes a new token on each start; the authenticator follows the file.
    writeFileSync(file, 'second-token-longer\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(authn.authenticate(withAuth('first-token'))).toBeUndefined();
    expect(authn.authenticate(withAuth('second-token-longer'))?.name).toBe('system:lab-controller');
    expect(readFileSync(file, 'utf8')).toContain('second');
  });
});
