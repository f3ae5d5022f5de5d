import React, { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card } from '@kubed/components';
import { clusterContext, removeSecretQueries } from '../../api';
import type { WriteOutcome } from '../../domain/plan/write';
import { tr } from '../../i18n/t';
import { PageBanner } from '../../components/PageBanner';
import { initialWizardState, parseAddress, projectsIn, STEPS, wizardReducer } from '../../domain/wizard/state';
import { gateStep, stepErrors } from '../../domain/wizard/validate';
import { stepErrorText } from './validate';
import { RegistryStep } from './steps/RegistryStep';
import { CertificateStep } from './steps/CertificateStep';
import { TrustStep } from './steps/TrustStep';
import { CredentialsStep } from './steps/CredentialsStep';
import { ProjectsStep } from './steps/ProjectsStep';
import { ReviewStep, type ClusterReview } from './steps/ReviewStep';
import { usePrefill } from './prefill';
import { ClusterApply } from './ClusterApply';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { colors } from '../../components/theme';

function StepHeader({ step, onGo, maxReached }: { step: number; onGo: (i: number) => void; maxReached: number }) {
  return (
    <div style={{ display: 'flex', gap: 4, marginBottom: 20, flexWrap: 'wrap' }} data-testid="hc-wizard-steps">
      {STEPS.map((id, i) => {
        const active = i === step;
        const done = i < step;
        const reachable = i <= maxReached && step !== STEPS.length - 1;
        return (
          <div
            key={id}
            data-testid={`hc-wizard-step-${id}`}
            data-active={active ? 'true' : 'false'}
            onClick={() => reachable && onGo(i)}
            style={{
              flex: '1 1 100px',
              padding: '8px 10px',
              borderBottom: `3px solid ${active ? colors.success : done ? colors.successBorder : colors.border}`,
              color: active ? colors.text : colors.muted,
              fontWeight: active ? 600 : 400,
              cursor: reachable ? 'pointer' : 'default',
              fontSize: 13,
            }}
          >
            <span style={{ marginRight: 6 }}>{i + 1}</span>
            {tr(`HARBOR_CONNECT_WIZARD_STEP_${id.toUpperCase()}`)}
          </div>
        );
      })}
    </div>
  );
}

/** Cluster → Image Registries → Add: registry, certificate, node trust, credentials, projects, review, apply. */
export function WizardPage() {
  const { cluster = '', registry } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const ctx = useMemo(() => clusterContext(cluster), [cluster]);
  const [state, dispatch] = useReducer(wizardReducer, cluster, initialWizardState);
  const [maxReached, setMaxReached] = useState(0);
  const [tried, setTried] = useState(false);
  // Per chosen cluster: its reviewed plan, then the outcomes of its last apply run.
  const [reviews, setReviews] = useState<Record<string, ClusterReview>>({});
  const [outcomes, setOutcomes] = useState<Record<string, WriteOutcome[]>>({});
  // Edit: start from what the registry record and its pull secrets say (the password is never read back).
  const prefill = usePrefill(ctx, registry, dispatch);
  const id = STEPS[state.step];
  const errors = stepErrors(state).map(stepErrorText);
  const listPath = `/clusters/${encodeURIComponent(cluster)}/image-registries`;

  const go = (i: number) => {
    setTried(false);
    // Entering Review reads every cluster again: an earlier review's verdict must not enable Apply meanwhile.
    if (STEPS[i] === 'review' && i !== state.step) setReviews({});
    dispatch({ type: 'go', step: i });
    setMaxReached((m) => Math.max(m, i));
  };
  const next = () => {
    if (errors.length) {
      setTried(true);
      return;
    }
    // Publicly trusted: nothing to set up on the nodes, but the step still says so.
    go(state.step + 1);
  };
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  // Cancel asks first once the user has entered something that would be lost (edit: a step taken or a password).
  const entered = state.step > 0 || !!state.password || (!registry && (!!state.address || !!state.caText || !!state.username));
  const close = useCallback(() => {
    // Nothing with a credential outlives the wizard: cached Secret reads and the reducer state go.
    for (const c of state.clusters) removeSecretQueries(qc, c);
    dispatch({ type: 'reset' });
    setReviews({});
    navigate(listPath);
  }, [qc, state.clusters, navigate, listPath]);

  // Leaving the page any other way (sidebar, back button) also drops cached Secret reads, in every chosen cluster.
  const clustersKey = state.clusters.join(',');
  useEffect(() => () => clustersKey.split(',').forEach((c) => c && removeSecretQueries(qc, c)), [qc, clustersKey]);

  const onReview = useCallback((c: string, review: ClusterReview) => setReviews((r) => ({ ...r, [c]: review })), []);
  const onFinished = useCallback((c: string, out: WriteOutcome[]) => setOutcomes((o) => ({ ...o, [c]: out })), []);

  const stepProps = { state, dispatch, cluster: ctx };
  // Apply once every chosen cluster's plan is read, has no problem and every write of it is allowed.
  const plans = state.clusters.map((c) => ({ cluster: c, plan: reviews[c]?.plan }));
  const canApply =
    state.clusters.every((c) => reviews[c]?.ok) && plans.reduce((n, p) => n + (p.plan?.writes.length ?? 0), 0) > 0;
  const allFinished = state.clusters.every((c) => !!outcomes[c] || !reviews[c]?.plan?.writes.length);
  const failed = state.clusters.some((c) => outcomes[c]?.some((o) => o.status === 'failed'));
  const address = parseAddress(state);
  const projectCount = state.clusters.reduce((n, c) => n + projectsIn(state, c).length, 0);

  return (
    <div data-testid="hc-wizard" data-step={id}>
      {registry ? (
        <PageBanner title={tr('HARBOR_CONNECT_WIZARD_TITLE_EDIT')} description={tr('HARBOR_CONNECT_WIZARD_DESC_EDIT', { address: state.address || registry })} />
      ) : (
        <PageBanner title={tr('HARBOR_CONNECT_WIZARD_TITLE')} description={tr('HARBOR_CONNECT_WIZARD_DESC')} />
      )}
      <Card style={{ marginTop: 12, padding: 20 }}>
        {prefill.error ? <ErrorAlert error={prefill.error} /> : null}
        {prefill.loading ? <Spinner /> : null}
        <StepHeader
          step={state.step}
          onGo={(i) => {
            // A header never skips a step's checks: forward stops at the first step with errors, shown at once.
            const to = gateStep(state, i);
            go(to);
            if (to !== i) setTried(true);
          }}
          maxReached={maxReached}
        />
        <div style={{ fontSize: 16, fontWeight: 600, marginBottom: 4 }}>{tr(`HARBOR_CONNECT_WIZARD_STEP_${id.toUpperCase()}`)}</div>
        <div style={{ color: colors.muted, fontSize: 12, marginBottom: 16 }}>{tr(`HARBOR_CONNECT_WIZARD_STEP_${id.toUpperCase()}_DESC`)}</div>
        {id === 'registry' ? <RegistryStep {...stepProps} /> : null}
        {id === 'certificate' ? <CertificateStep {...stepProps} /> : null}
        {id === 'trust' ? <TrustStep {...stepProps} /> : null}
        {id === 'credentials' ? <CredentialsStep {...stepProps} /> : null}
        {id === 'projects' ? <ProjectsStep {...stepProps} /> : null}
        {id === 'review' ? <ReviewStep {...stepProps} onReview={onReview} /> : null}
        {id === 'apply' && allFinished && !failed ? (
          <Alert type="info" title={tr('HARBOR_CONNECT_WIZARD_APPLY_DONE_TITLE')} style={{ marginBottom: 12 }} data-testid="hc-apply-done">
            {tr('HARBOR_CONNECT_WIZARD_APPLY_FINISHED', { count: projectCount })}
          </Alert>
        ) : null}
        {id === 'apply'
          ? plans.map(({ cluster: c, plan }) =>
              plan ? (
                <ClusterApply
                  key={c}
                  cluster={c}
                  plan={plan}
                  titled={plans.length > 1}
                  outcomes={outcomes[c]}
                  onFinished={onFinished}
                  proof={
                    address.ok && projectsIn(state, c)[0]
                      ? {
                          registryId: plan.registryId,
                          serverKey: address.value.serverKey,
                          namespace: projectsIn(state, c)[0]!,
                          secretName: state.secretName,
                          trustMode: state.trustMode,
                          publicCa: state.caChoice === 'public',
                        }
                      : undefined
                  }
                />
              ) : null,
            )
          : null}

        {tried && errors.length ? (
          <Alert type="error" title={tr('HARBOR_CONNECT_WIZARD_FIX_FIRST')} style={{ marginTop: 16 }} data-testid="hc-step-errors">
            {errors.map((e) => (
              <div key={e}>{e}</div>
            ))}
          </Alert>
        ) : null}

        {confirmDiscard ? (
          <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_DISCARD_TITLE')} style={{ marginTop: 16 }} data-testid="hc-wizard-discard-confirm">
            <div>{tr('HARBOR_CONNECT_WIZARD_DISCARD_DESC')}</div>
            <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
              <Button variant="outline" onClick={() => setConfirmDiscard(false)} data-testid="hc-wizard-keep-editing">
                {tr('HARBOR_CONNECT_WIZARD_KEEP_EDITING')}
              </Button>
              <Button color="error" onClick={close} data-testid="hc-wizard-discard">
                {tr('HARBOR_CONNECT_WIZARD_DISCARD')}
              </Button>
            </div>
          </Alert>
        ) : null}

        <div style={{ display: 'flex', gap: 8, marginTop: 24, borderTop: `1px solid ${colors.border}`, paddingTop: 16 }}>
          {id === 'apply' ? (
            <Button color="secondary" onClick={close} disabled={!allFinished} data-testid="hc-wizard-close">
              {tr('HARBOR_CONNECT_WIZARD_CLOSE')}
            </Button>
          ) : (
            <>
              <Button variant="outline" onClick={() => (entered ? setConfirmDiscard(true) : close())} data-testid="hc-wizard-cancel">
                {tr('HARBOR_CONNECT_WIZARD_CANCEL')}
              </Button>
              <span style={{ flex: 1 }} />
              {state.step > 0 ? (
                <Button onClick={() => go(state.step - 1)} data-testid="hc-wizard-back">
                  {tr('HARBOR_CONNECT_WIZARD_BACK')}
                </Button>
              ) : null}
              {id === 'review' ? (
                <Button color="secondary" onClick={() => go(state.step + 1)} disabled={!canApply} data-testid="hc-wizard-apply">
                  {tr('HARBOR_CONNECT_WIZARD_APPLY')}
                </Button>
              ) : (
                <Button color="secondary" onClick={next} data-testid="hc-wizard-next">
                  {tr('HARBOR_CONNECT_WIZARD_NEXT')}
                </Button>
              )}
            </>
          )}
        </div>
      </Card>
    </div>
  );
}
