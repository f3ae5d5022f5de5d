// The apply step for one cluster of the wizard: its own executor (the cluster's API through KubeSphere's
// multi-cluster proxy), its own bounded concurrency, its own "Retry failed", then its own proof by a pull on its
// nodes. Clusters apply side by side: one that does not answer fails only its own writes (docs/design.md,
// "Many clusters").
import React, { useCallback, useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@kubed/components';
import { clusterContext, invalidateAfterApply, isClusterUnreachable, planExecutor } from '../../api';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import type { WriteOutcome } from '../../domain/plan/write';
import { APPLY_CONCURRENCY, writeStage, type WizardPlan } from '../../domain/wizard/plan';
import { tr } from '../../i18n/t';
import { ApplyProof, type ApplyProofProps } from './ApplyProof';

export interface ClusterApplyProps {
  cluster: string;
  plan: WizardPlan;
  titled: boolean;
  outcomes?: WriteOutcome[];
  onFinished: (cluster: string, outcomes: WriteOutcome[]) => void;
  /** What the proof needs besides the cluster; undefined: no proof (e.g. no project chosen there). */
  proof?: Omit<ApplyProofProps, 'cluster'>;
}

export function ClusterApply({ cluster, plan, titled, outcomes, onFinished, proof }: ClusterApplyProps) {
  const qc = useQueryClient();
  const ctx = useMemo(() => clusterContext(cluster), [cluster]);
  const executor = useMemo(() => planExecutor(ctx), [ctx]);
  const finished = useCallback(
    (out: WriteOutcome[]) => {
      onFinished(cluster, out);
      void invalidateAfterApply(qc, cluster, out);
    },
    [cluster, onFinished, qc],
  );
  const failed = !outcomes || outcomes.some((o) => o.status === 'failed');
  // The cluster itself did not answer (KubeSphere's "cluster … is not ready", a gateway error, a dropped or timed-out
  // request), as opposed to a write it refused: say so, and that the other clusters are not affected.
  const down = outcomes?.some((o) => o.status === 'failed' && isClusterUnreachable(o.error));
  return (
    <div data-testid="hc-apply-cluster" data-cluster={cluster} data-state={!outcomes ? 'running' : failed ? 'failed' : 'done'} style={titled ? { marginBottom: 20 } : undefined}>
      {titled ? <div style={{ fontWeight: 600, margin: '4px 0 8px' }}>{tr('HARBOR_CONNECT_WIZARD_APPLY_CLUSTER', { cluster })}</div> : null}
      {down ? (
        <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_APPLY_CLUSTER_DOWN_TITLE', { cluster })} style={{ marginBottom: 8 }} data-testid="hc-apply-cluster-down">
          {tr('HARBOR_CONNECT_WIZARD_APPLY_CLUSTER_DOWN', { cluster })}
        </Alert>
      ) : null}
      <ApplyProgress writes={plan.writes} execute={executor} stage={writeStage} concurrency={APPLY_CONCURRENCY} onFinished={finished} stopOnFailure />
      {!failed && proof ? <ApplyProof cluster={ctx} {...proof} /> : null}
    </div>
  );
}
