// One answer to "does the registry accept these credentials?" from the credential checks the product has
// (src/features/wizard/verify.ts): KubeSphere's verify endpoint and the pull test. The probe never carries a
// credential, so it does not count here. Used wherever credentials are written or judged (the project page's
// "Add Project Credential", its warning about other pull secrets for a connected registry).
import { isCredentialRefusal } from '../diagnosis';
import type { PullTestOutcome, VerifyResult } from './results';

/**
 * - accepted / rejected: a check logged in (or pulled) with them, or the registry refused them.
 * - unknown: every check that ran could not tell (KubeSphere's verify stops at a private CA's TLS, the registry
 *   was not reachable, the pull failed for another cause): only a pull test can tell, or the user writes without.
 * - unchecked: nothing ran yet.
 */
export type CredentialVerdictState = 'unchecked' | 'accepted' | 'rejected' | 'unknown';

export interface CredentialVerdict {
  state: CredentialVerdictState;
  /** Which check decided (accepted / rejected), or the last that could not tell (unknown). */
  by?: 'kubesphere' | 'pull-test';
  /** Why it could not tell, or how it refused: a verify state (x509, unreachable, …) or a pull cause. */
  cause?: string;
  /** KubeSphere's verify ran into TLS: it cannot judge a registry whose CA it does not trust (never a failure). */
  kubesphereNotApplicable?: boolean;
}

function fromVerify(v: VerifyResult): CredentialVerdict {
  if (v.state === 'ok') return { state: 'accepted', by: 'kubesphere' };
  if (v.state === 'unauthorized') return { state: 'rejected', by: 'kubesphere', cause: 'unauthorized' };
  return { state: 'unknown', by: 'kubesphere', cause: v.state, ...(v.state === 'x509' ? { kubesphereNotApplicable: true } : {}) };
}

function fromPullTest(p: PullTestOutcome): CredentialVerdict {
  if (p.state === 'pulled') return { state: 'accepted', by: 'pull-test' };
  const cause = p.diagnosis?.cause;
  if (p.state === 'failed' && cause && isCredentialRefusal(cause)) return { state: 'rejected', by: 'pull-test', cause };
  return { state: 'unknown', by: 'pull-test', cause: cause ?? p.state };
}

/**
 * The verdict of the checks that ran. A conclusive pull test (what the nodes see) wins over KubeSphere's verify;
 * an inconclusive one leaves a conclusive verify standing.
 */
export function credentialVerdict(checks: { verify?: VerifyResult; pullTest?: PullTestOutcome }): CredentialVerdict {
  const v = checks.verify ? fromVerify(checks.verify) : undefined;
  const p = checks.pullTest ? fromPullTest(checks.pullTest) : undefined;
  if (p && p.state !== 'unknown') return p;
  if (v && v.state !== 'unknown') return v;
  if (p) return { ...p, ...(v?.kubesphereNotApplicable ? { kubesphereNotApplicable: true } : {}) };
  return v ?? { state: 'unchecked' };
}

/**
 * Whether credentials may be written: accepted, or checked without an answer and the user chose explicitly to
 * write without verifying. Never when the registry refused them, nor before any check ran.
 */
export function mayWriteCredential(verdict: CredentialVerdict, writeUnverified: boolean): boolean {
  return verdict.state === 'accepted' || (verdict.state === 'unknown' && writeUnverified);
}
