import React, { useEffect, useState } from 'react';
import { Alert, Button } from '@kubed/components';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { PlanReview } from '../../../components/plan/PlanReview';
import { PreflightSummary, type Preflight } from '../../../components/plan/usePreflight';
import type { StepProps } from './types';
import { parseAddress, type WizardState } from '../state';
import { buildWizardPlan, registryIdOf, type WizardChoices, type WizardPlan } from '../plan';
import { loadCurrent } from '../load';

export function choicesOf(state: WizardState): WizardChoices | undefined {
  const addr = parseAddress(state);
  if (!addr.ok) return undefined;
  const user = typeof globals !== 'undefined' ? globals?.user?.username : undefined;
  return {
    address: addr.value,
    rawAddress: state.address,
    displayName: state.displayName,
    caPem: state.caChoice === 'custom' ? state.caText : undefined,
    trustMode: state.caChoice === 'custom' ? state.trustMode : 'none',
    kind: state.kind,
    username: state.username,
    password: state.password,
    email: state.email || undefined,
    projects: state.projects,
    secretName: state.secretName,
    bindDefaultServiceAccount: state.bindDefaultServiceAccount,
    createdBy: typeof user === 'string' ? user : undefined,
  };
}

export interface ReviewStepProps extends StepProps {
  plan?: WizardPlan;
  onPlan: (plan: WizardPlan | undefined) => void;
  preflight: Preflight;
}

/** Reads what exists (one cluster-wide list of our Secrets, the default ServiceAccounts), then shows every write. */
export function ReviewStep({ state, cluster, plan, onPlan, preflight }: ReviewStepProps) {
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    const choices = choicesOf(state);
    if (!choices) return undefined;
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    onPlan(undefined);
    loadCurrent(cluster, {
      registryId: registryIdOf(choices.address),
      projects: choices.projects,
      secretName: choices.secretName,
      bindDefaultServiceAccount: choices.bindDefaultServiceAccount,
      signal: ctl.signal,
    })
      .then((current) => {
        if (!ctl.signal.aborted) onPlan(buildWizardPlan(choices, current));
      })
      .catch((e) => {
        if (!ctl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nonce]);

  return (
    <div data-testid="hc-step-review">
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 12, gap: 8 }}>
        <div style={{ flex: 1, color: '#79879c', fontSize: 12 }}>{tr('HARBOR_CONNECT_WIZARD_REVIEW_DESC')}</div>
        <Button size="sm" variant="outline" onClick={() => setNonce(nonce + 1)} disabled={loading} data-testid="hc-review-reload">
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
