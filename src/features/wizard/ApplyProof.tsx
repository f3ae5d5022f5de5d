// The wizard's last word: right after Apply, the connection is proven the way workloads will use it, by a pull on
// every node of the cluster with the new pull secret (after the trust installer has put the CA on every node).
// A check that could not pass before Apply (KubeSphere's verify on a private CA, a pull before the nodes trust the
// CA) is never shown as a failure: this is where it runs.
import React from 'react';
import { Alert, Button } from '@kubed/components';
import type { Node } from 'kubernetes-types/core/v1';
import { nodes, type ClusterContext } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { colors } from '../../components/theme';
import { defaultTestImage } from '../../domain/pulltest';
import { DEFAULT_EXTENSION_NAMESPACE } from '../../domain/record';
import { tr } from '../../i18n/t';
import { usePullTest } from '../pulltest/usePullTest';
import { waitForInstallerMode } from './removal';

export interface ApplyProofProps {
  cluster: ClusterContext;
  registryId: string;
  serverKey: string;
  /** The first project that got the pull secret: the test pods run there, with it. */
  namespace: string;
  secretName: string;
  trustMode: 'automatic' | 'manual';
  /** Publicly trusted: nothing to wait for on the nodes. */
  publicCa: boolean;
}

const W = 'HARBOR_CONNECT_WIZARD_PROOF_';

export function ApplyProof(props: ApplyProofProps) {
  const { cluster, registryId, serverKey, namespace, secretName, trustMode, publicCa } = props;
  const { state, run } = usePullTest();
  // Manual trust: the user puts the CA on the nodes first, then asks for the proof.
  const [step, setStep] = React.useState<'waiting' | 'ready' | 'timeout' | 'testing' | 'error'>(trustMode === 'manual' && !publicCa ? 'ready' : 'waiting');
  const [error, setError] = React.useState<unknown>();

  const start = React.useCallback(
    async (signal?: AbortSignal) => {
      try {
        const names = ((await nodes.list(cluster, { signal })).items as Node[]).map((n) => n.metadata?.name ?? '').filter(Boolean);
        setStep('testing');
        void run({ cluster, registryId, namespace, image: defaultTestImage(serverKey), secretName, nodes: names });
      } catch (e) {
        if (!signal?.aborted) {
          setError(e);
          setStep('error');
        }
      }
    },
    [cluster, registryId, namespace, serverKey, secretName, run],
  );

  React.useEffect(() => {
    if (step !== 'waiting') return;
    const ac = new AbortController();
    void (async () => {
      if (trustMode === 'automatic' && !publicCa) {
        const r = await waitForInstallerMode(cluster, { registryId, namespace: DEFAULT_EXTENSION_NAMESPACE, mode: 'install' }, { signal: ac.signal, timeoutMs: 180_000 });
        if (r === 'cancelled') return;
        if (r === 'timeout') return setStep('timeout');
      }
      await start(ac.signal);
    })();
    return () => ac.abort();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const pulled = state.outcomes.filter((o) => o.result.state === 'pulled').length;
  const total = state.outcomes.length;
  const failed = state.outcomes.filter((o) => o.result.state !== 'pulled');
  const verdict = state.phase === 'done' ? (failed.length === 0 && total > 0 ? 'ok' : 'failed') : step === 'timeout' || step === 'error' || state.phase === 'error' ? 'failed' : 'running';

  return (
    <div data-testid="hc-apply-proof" data-state={verdict} style={{ marginTop: 12 }}>
      {verdict === 'ok' ? (
        <Alert type="info" title={tr(`${W}OK_TITLE`, { pulled, total })}>
          {tr(`${W}OK`, { pulled, total, namespace })}
        </Alert>
      ) : verdict === 'running' ? (
        <div style={{ color: colors.muted, fontSize: 12 }}>
          {step === 'ready' ? (
            <>
              <div style={{ marginBottom: 6 }}>{tr(`${W}MANUAL`)}</div>
              <Button size="sm" onClick={() => void start()} data-testid="hc-apply-proof-run">
                {tr(`${W}RUN`)}
              </Button>
            </>
          ) : step === 'waiting' ? (
            tr(`${W}WAITING`)
          ) : (
            tr(`${W}TESTING`, { count: total || 1 })
          )}
        </div>
      ) : (
        <Alert type="error" title={tr(`${W}FAILED_TITLE`, { pulled, total })}>
          {step === 'timeout' ? <div>{tr(`${W}TIMEOUT`)}</div> : null}
          {step === 'error' || state.phase === 'error' ? <ErrorAlert error={error ?? state.error} /> : null}
          {failed.map((o) => (
            <div key={o.result.pod} style={{ marginTop: 4 }} data-testid="hc-apply-proof-failure">
              <b>{o.result.node ?? o.result.pod}</b>: {o.diagnosis ? tr(o.diagnosis.titleKey, o.diagnosis.detail) : o.result.reason}
              {o.diagnosis ? <div style={{ color: colors.muted }}>{tr(o.diagnosis.fixKey, o.diagnosis.detail)}</div> : null}
            </div>
          ))}
          <div style={{ marginTop: 6 }}>{tr(`${W}AGAIN`)}</div>
        </Alert>
      )}
    </div>
  );
}
