// What the credentials step's three checks found (src/features/wizard/verify.ts runs them), as the wizard's state
// keeps them.
import type { PullDiagnosis } from '../diagnosis';

/** A verify or probe verdict (not a health check's verdict: see domain/health CheckState). */
export type VerifyState = 'ok' | 'unauthorized' | 'x509' | 'unreachable' | 'not-routed' | 'error';

export interface VerifyResult {
  state: VerifyState;
  /** Raw detail from the server, shown as is. */
  detail?: string;
}

export interface ProbeResult extends VerifyResult {
  /** 'harbor' when Harbor's anonymous /api/v2.0/ping answered, 'oci' for any other registry; undefined when unknown. */
  kind?: 'harbor' | 'oci';
  harborVersion?: string;
  /** The registry answered /v2/ with 401: reachable, and it asks for credentials. */
  wantsAuth?: boolean;
  /** Probe objects that could not be deleted (reported, retried on request, removed on the next visit). */
  cleanupFailures?: Array<{ name: string; message: string }>;
}

export interface PullTestOutcome {
  state: 'pulled' | 'failed' | 'timeout' | 'error';
  diagnosis?: PullDiagnosis;
  message?: string;
  node?: string;
  /** The temporary Secret or pod that could not be deleted (removed on the next visit, by label). */
  cleanupFailures?: Array<{ name: string; message: string }>;
}
