import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button } from '@kubed/components';
import { clusterContext } from '../../../api';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PlanReview } from '../../../components/plan/PlanReview';
import { PreflightSummary, usePreflight } from '../../../components/plan/usePreflight';
import type { StepProps } from './types';
import { buildWizardPlan, registryIdOf, type WizardChoices, type WizardPlan } from '../../../domain/wizard/plan';
import { clusterChoicesOf } from '../../../domain/wizard/choices';
import { useWizardCurrent } from '../load';
import { colors } from '../../../components/theme';
import { consoleUser } from '../../consoleUser';

/** One cluster's review: its plan once read, and whether Apply may send it (no problem, every write allowed). */
export interface ClusterReview {
  plan?: WizardPlan;
  ok: boolean;
}

export interface ReviewStepProps extends StepProps {
  onReview: (cluster: string, review: ClusterReview) => void;
}

interface SectionProps {
  cluster: string;
  choices: WizardChoices;
  titled: boolean;
  onReview: ReviewStepProps['onReview'];
}

/** Reads what exists in one cluster (a constant number of lists), plans, dry-runs every write, shows them all. */
function ClusterReviewSection({ cluster, choices, titled, onReview }: SectionProps) {
  const ctx = useMemo(() => clusterContext(cluster), [cluster]);
  const current = useWizardCurrent(ctx, {
    registryId: registryIdOf(choices.address),
    projects: choices.projects,
    secretName: choices.secretName,
    bindDefaultServiceAccount: choices.bindDefaultServiceAccount,
  });
  const loading = current.isFetching;
  const error = current.isError && !loading ? current.error : undefined;
  // A plan from each fresh read; none while reading.
  const plan = useMemo(
    () => (!loading && current.isSuccess && current.data ? buildWizardPlan(choices, current.data) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [loading, current.dataUpdatedAt],
  );
  // Every write dry-run before Apply (also when editing): Apply only when every one is allowed.
  const preflight = usePreflight(ctx, plan && plan.problems.length === 0 ? plan.writes : undefined);
  const ok = !!plan && plan.problems.length === 0 && preflight.ok;
  useEffect(() => onReview(cluster, { plan, ok }), [cluster, plan, ok, onReview]);

  return (
    <div data-testid="hc-review-cluster" data-cluster={cluster} style={titled ? { marginBottom: 20 } : undefined}>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 12, gap: 8 }}>
        {titled ? <div style={{ fontWeight: 600 }}>{tr('HARBOR_CONNECT_WIZARD_REVIEW_CLUSTER', { cluster })}</div> : null}
        <div style={{ flex: 1, color: colors.muted, fontSize: 12 }}>{tr('HARBOR_CONNECT_WIZARD_REVIEW_DESC')}</div>
        <Button size="sm" variant="outline" onClick={() => void current.refetch()} disabled={loading} data-testid="hc-review-reload">
          {tr('HARBOR_CONNECT_WIZARD_REVIEW_RELOAD')}
        </Button>
      </div>
      {loading ? <Spinner /> : null}
      {error ? <ErrorAlert error={error} /> : null}
      {plan?.problems.length ? (
        <Alert type="error" title={tr('HARBOR_CONNECT_WIZARD_PROBLEMS_TITLE')} style={{ marginBottom: 12 }} data-testid="hc-plan-problems">
          {plan.problems.map((p, i) => (
            <div key={i}>{tr(`HARBOR_CONNECT_WIZARD_PROBLEM_${p.code.toUpperCase().replace(/-/g, '_')}`, p as unknown as Record<string, string>)}</div>
          ))}
        </Alert>
      ) : null}
      {plan?.defaultInstallerImage && !loading ? (
        <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_REVIEW_DEFAULT_IMAGE_TITLE', { cluster })} style={{ marginBottom: 12 }} data-testid="hc-review-default-image">
          {tr('HARBOR_CONNECT_WIZARD_REVIEW_DEFAULT_IMAGE_DESC', { image: plan.defaultInstallerImage })}
        </Alert>
      ) : null}
      {plan && !loading && plan.writes.length ? <PreflightSummary preflight={preflight} /> : null}
      {plan && !loading ? (
        <PlanReview writes={plan.writes} fileName={titled ? `harbor-connect-${plan.registryId}-${cluster}.yaml` : `harbor-connect-${plan.registryId}.yaml`} verdicts={preflight.verdicts} />
      ) : null}
    </div>
  );
}

/** Every chosen cluster's writes, grouped by cluster; each cluster read and dry-run on its own. */
export function ReviewStep({ state, onReview }: ReviewStepProps) {
  // The plans' input as the review opened (the steps before it are done).
  const [perCluster] = useState(() => clusterChoicesOf(state, consoleUser()) ?? []);
  const titled = perCluster.length > 1;
  return (
    <div data-testid="hc-step-review">
      {perCluster.map(({ cluster, choices }) => (
        <ClusterReviewSection key={cluster} cluster={cluster} choices={choices} titled={titled} onReview={onReview} />
      ))}
    </div>
  );
}
