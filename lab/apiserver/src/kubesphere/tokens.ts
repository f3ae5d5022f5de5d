// Bearer tokens as ks-apiserver issues them: HS256 JWTs with {username, token_type, exp, iss: 'kubesphere'}.
// The console decodes them without checking; the lab checks the signature, the type and the expiry.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Authenticator, LabUser, Store } from '../contract';
import { findAccount, SYSTEM_USER } from './accounts';

export const ACCESS_TOKEN_TTL_SECONDS = 2 * 60 * 60; // KubeSphere's default accessTokenMaxAge
export const REFRESH_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export type TokenType = 'access_token' | 'refresh_token';

export interface TokenClaims {
  username: string;
  token_type: TokenType;
  iss: 'kubesphere';
  iat: number;
  nbf: number;
  exp: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Reads a secret file under <labDir>/apiserver, creating it (0600) with random content when absent. */
export function readOrCreateSecret(labDir: string, file: string, bytes = 32): string {
  const dir = join(labDir, 'apiserver');
  const path = join(dir, file);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(bytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another part of the lab created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(path, 0o600);
  }
  return readFileSync(path, 'utf8').trim();
}

export class TokenIssuer {
  constructor(private readonly secret: string) {}

  sign(username: string, tokenType: TokenType, ttlSeconds: number, now = Date.now()): string {
    const iat = Math.floor(now / 1000);
    const claims: TokenClaims = { username, token_type: tokenType, iss: 'kubesphere', iat, nbf: iat, exp: iat + ttlSeconds };
    const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return `${head}.${this.mac(head)}`;
  }

  /** The claims when the token is ours, unexpired and of the expected type; undefined otherwise. */
  verify(token: string, expected: TokenType, now = Date.now()): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const wanted = Buffer.from(this.mac(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (wanted.length !== given.length || !timingSafeEqual(wanted, given)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    const seconds = now / 1000;
    if (claims.iss !== 'kubesphere' || claims.token_type !== expected || typeof claims.username !== 'string') return undefined;
    if (!(claims.exp > seconds) || claims.nbf > seconds + 60) return undefined;
    return claims;
  }

  /** The OAuth token response the console's server reads. */
  issuePair(username: string, now = Date.now()): { access_token: string; refresh_token: string; token_type: 'Bearer'; expires_in: number } {
    return {
      access_token: this.sign(username, 'access_token', ACCESS_TOKEN_TTL_SECONDS, now),
      refresh_token: this.sign(username, 'refresh_token', REFRESH_TOKEN_TTL_SECONDS, now),
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  private mac(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

const issuers = new Map<string, TokenIssuer>();

/** One issuer per lab folder; its key lives in <labDir>/apiserver/jwt-secret. */
export function tokenIssuer(labDir: string): TokenIssuer {
  let issuer = issuers.get(labDir);
  if (!issuer) {
    issuer = new TokenIssuer(readOrCreateSecret(labDir, 'jwt-secret'));
    issuers.set(labDir, issuer);
  }
  return issuer;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function userFor(username: string): LabUser | undefined {
  const account = findAccount(username);
  return account ? { name: account.name, groups: ['system:authenticated'] } : undefined;
}

/** The lab controller's token as server.ts last wrote it (re-read when the file changes; never created here). */
function systemTokenReader(labDir: string): () => Buffer | undefined {
  const path = join(labDir, 'apiserver', 'system-token');
  let cached: { mtimeMs: number; token: Buffer } | undefined;
  return () => {
    try {
      const { mtimeMs } = statSync(path);
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, token: Buffer.from(readFileSync(path, 'utf8').trim()) };
      return cached.token;
    } catch {
      return undefined;
    }
  };
}

/**
 * Tokens: the lab controller's token (<labDir>/apiserver/system-token → system:lab-controller, system:masters)
 * and access tokens from /oauth/token for the lab's users.
 */
export function createAuthenticator(ctx: { store?: Store; labDir: string }): Authenticator {
  const issuer = tokenIssuer(ctx.labDir);
  const systemToken = systemTokenReader(ctx.labDir);
  return {
    authenticate(req) {
      const token = bearerToken(req);
      if (!token) return undefined;
      const given = Buffer.from(token);
      const system = systemToken();
      if (system && given.length === system.length && timingSafeEqual(given, system)) {
        return { name: SYSTEM_USER.name, groups: [...SYSTEM_USER.groups] };
      }
      const claims = issuer.verify(token, 'access_token');
      return claims ? userFor(claims.username) : undefined;
    },
  };
}
