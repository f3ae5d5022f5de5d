// Before Apply, every write of a plan is dry-run (src/api/access.ts preflightWrites): the same authorization as the
// real requests, nothing persisted. Apply stays disabled until every write is allowed; each denied write says which
// verb, on what, in which project is missing.
import React from 'react';
import { Alert } from '@kubed/components';
import { ApiError, errorMessage, preflightWrites, type AccessVerdict, type ClusterContext, type PreflightResult } from '../../api';
import type { Write } from '../../domain/plan/write';
import { tr } from '../../i18n/t';
import { colors } from '../theme';

export interface Preflight {
  state: 'idle' | 'checking' | 'done' | 'error';
  /** One verdict per write, in plan order, once done. */
  verdicts?: AccessVerdict[];
  denied: PreflightResult[];
  error?: unknown;
  /** True only when every write was checked and is allowed. */
  ok: boolean;
}

/** Runs the preflight whenever `writes` (by identity) changes; an empty or missing plan needs none. */
export function usePreflight(cluster: ClusterContext, writes: readonly Write[] | undefined): Preflight {
  const [state, setState] = React.useState<Preflight>({ state: 'idle', denied: [], ok: false });
  React.useEffect(() => {
    if (!writes || writes.length === 0) {
      setState({ state: 'done', verdicts: [], denied: [], ok: true });
      return undefined;
    }
    const ctl = new AbortController();
    setState({ state: 'checking', denied: [], ok: false });
    preflightWrites(cluster, writes, { signal: ctl.signal }).then(
      (results) => {
        if (ctl.signal.aborted) return;
        const denied = results.filter((r) => !r.verdict.allowed);
        setState({ state: 'done', verdicts: results.map((r) => r.verdict), denied, ok: denied.length === 0 });
      },
      (error) => {
        if (!ctl.signal.aborted) setState({ state: 'error', denied: [], error, ok: false });
      },
    );
    return () => ctl.abort();
  }, [cluster, writes]);
  return state;
}

/** `value` once it has not changed for `ms` (a plan recomputed on each keystroke is checked once typing stops). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = React.useState(value);
  React.useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Why a write is not allowed, as the same sentence a failed request would give. */
export function verdictText(v: AccessVerdict): string {
  if (v.allowed) return '';
  return errorMessage(new ApiError({ kind: 'http', code: 403, message: v.message }), tr);
}

/** The preflight's outcome above the Apply button. */
export function PreflightSummary({ preflight }: { preflight: Preflight }) {
  if (preflight.state === 'idle') return null;
  if (preflight.state === 'checking') {
    return (
      <div style={{ color: colors.muted, fontSize: 12, margin: '8px 0' }} data-testid="hc-preflight" data-state="checking">
        {tr('HARBOR_CONNECT_PREFLIGHT_CHECKING')}
      </div>
    );
  }
  if (preflight.state === 'error') {
    return (
      <Alert type="error" title={tr('HARBOR_CONNECT_PREFLIGHT_FAILED')} style={{ margin: '8px 0' }} data-testid="hc-preflight" data-state="error">
        {errorMessage(preflight.error, tr)}
      </Alert>
    );
  }
  if (preflight.ok) {
    return (
      <div style={{ color: colors.success, fontSize: 12, margin: '8px 0' }} data-testid="hc-preflight" data-state="allowed">
        {tr('HARBOR_CONNECT_PREFLIGHT_ALLOWED', { count: preflight.verdicts?.length ?? 0 })}
      </div>
    );
  }
  return (
    <Alert type="error" title={tr('HARBOR_CONNECT_PREFLIGHT_DENIED', { count: preflight.denied.length })} style={{ margin: '8px 0' }} data-testid="hc-preflight" data-state="denied">
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {[...new Set(preflight.denied.map((d) => verdictText(d.verdict)))].map((text) => (
          <li key={text} data-testid="hc-preflight-denied">
            {text}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
