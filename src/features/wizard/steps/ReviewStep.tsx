import React, { useEffect, useState } from 'react';
import { Alert, Button } from '@kubed/components';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PlanReview } from '../../../components/plan/PlanReview';
import { PreflightSummary, type Preflight } from '../../../components/plan/usePreflight';
import type { StepProps } from './types';
import { buildWizardPlan, registryIdOf, type WizardPlan } from '../../../domain/wizard/plan';
import { choicesOf } from '../../../domain/wizard/choices';
import { useWizardCurrent } from '../load';
import { colors } from '../../../components/theme';
import { consoleUser } from '../../consoleUser';

export interface ReviewStepProps extends StepProps {
  plan?: WizardPlan;
  onPlan: (plan: WizardPlan | undefined) => void;
  preflight: Preflight;
}

/** Reads what exists (one cluster-wide list of our Secrets, the default ServiceAccounts), then shows every write. */
export function ReviewStep({ state, cluster, plan, onPlan, preflight }: ReviewStepProps) {
  // The plan's input as the review opened (the steps before it are done).
  const [choices] = useState(() => choicesOf(state, consoleUser()));
  const current = useWizardCurrent(
    cluster,
    choices && {
      registryId: registryIdOf(choices.address),
      projects: choices.projects,
      secretName: choices.secretName,
      bindDefaultServiceAccount: choices.bindDefaultServiceAccount,
    },
  );
  const loading = current.isFetching;
  const error = current.isError && !loading ? current.error : undefined;

  // A plan from each fresh read; none while reading.
  useEffect(() => {
    if (loading) onPlan(undefined);
    else if (choices && current.data && current.isSuccess) onPlan(buildWizardPlan(choices, current.data));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loading, current.dataUpdatedAt]);

  return (
    <div data-testid="hc-step-review">
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 12, gap: 8 }}>
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
      {plan && !loading && plan.writes.length ? <PreflightSummary preflight={preflight} /> : null}
      {plan && !loading ? <PlanReview writes={plan.writes} fileName={`harbor-connect-${plan.registryId}.yaml`} verdicts={preflight.verdicts} /> : null}
    </div>
  );
}
