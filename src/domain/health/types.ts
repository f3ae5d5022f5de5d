// What the health detectors read, as plain data shapes (the panel's fetchers in src/features/health/sources.ts
// produce them from the API; tests build them from fixture files).
import type { ProbeAnswer } from '../registry/probe';

/** A list the user may not read is "unknown", not an error for the whole panel. */
export type Readable<T> = { ok: true; items: T } | { ok: false; forbidden: boolean; error: unknown };

/** The fields of a cert-manager Certificate the checks read. */
export interface CertificateLike {
  metadata?: { name?: string; namespace?: string };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    renewalTime?: string;
  };
}

export type CertManagerState<C extends CertificateLike = CertificateLike> =
  | { installed: false }
  | { installed: true; certificates: C[] }
  | { installed: 'unknown'; error: unknown };

/** A ReverseProxy as far as the checks read it. */
export interface ProxyObjectLike {
  metadata?: { name?: string };
}

export interface ProbeCleanup {
  removed: string[];
  /** ReverseProxies of ours that sent an Authorization header upstream (older versions' probes). */
  withCredentials: string[];
}

export interface ProbeObjects<P extends ProxyObjectLike = ProxyObjectLike, C extends ProbeCleanup = ProbeCleanup> {
  /** What the visit's clean-up removed (leftovers of closed tabs; probes carrying a credential, whatever their age). */
  cleanup: C;
  /** Our ReverseProxies of this registry that still send an Authorization header upstream. */
  credentialProxies: P[];
}

export interface HealthProbe {
  v2?: ProbeAnswer;
  harborHealth?: ProbeAnswer;
  systeminfo?: ProbeAnswer;
  /** The probe could not be created (e.g. 403), or the record's address does not parse. */
  error?: string;
  cleanupFailures: string[];
}
