import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Input, InputPassword, Select, Tag } from '@kubed/components';
import { useQuery } from '@tanstack/react-query';
import { deleteProbeObjects, listMyProjects, queryKeys, removeProbeLeftovers, type Namespace } from '../../../api';
import { isRobotAccount } from '../../../domain/dockerconfig';
import { defaultTestImage } from '../../../domain/pulltest';
import { tr } from '../../../i18n/t';
import { trOr } from '../ui';
import { codeStyle } from '../../../components/plan/PlanReview';
import { writeToKubectl, writeToYamlDocument } from '../../../domain/plan';
import { Field, inputStyle } from '../ui';
import type { StepProps } from './types';
import { parseAddress, projectsIn } from '../../../domain/wizard/state';
import { registryIdOf } from '../../../domain/wizard/plan';
import { credentialVerdict } from '../../../domain/wizard/verdict';
import { newProbeId, planProbe, probeDeleteWrite } from '../../../domain/registry/probe';
import { probeRegistry, runPullTest, verifyWithKubeSphere, WIZARD_PROBE_PATHS, type VerifyResult } from '../verify';
import { removePullTestLeftovers } from '../../pulltest/engine';
import { colors } from '../../../components/theme';

const STATE_COLOR: Record<string, string> = { ok: colors.success, pulled: colors.success, unauthorized: colors.error, failed: colors.error, x509: colors.warning, unreachable: colors.error, 'not-routed': colors.warning, error: colors.error, timeout: colors.warning };

function CheckCard({ title, proves, children, testId, state }: { title: string; proves: string; children: React.ReactNode; testId: string; state?: string }) {
  return (
    <div
      data-testid={testId}
      data-state={state ?? 'idle'}
      style={{ flex: '1 1 280px', border: `1px solid ${colors.border}`, borderTop: `3px solid ${state ? STATE_COLOR[state] ?? colors.faint : colors.faint}`, borderRadius: 4, padding: 12, minWidth: 260 }}
    >
      <div style={{ fontWeight: 600 }}>{title}</div>
      <div style={{ fontSize: 12, color: colors.muted, margin: '4px 0 10px' }}>{proves}</div>
      {children}
    </div>
  );
}

/** KubeSphere's verify cannot be given a private CA: its x509 says nothing about the registry (not a failure). */
const cannotApply = (r: VerifyResult | undefined, privateCa: boolean) => r?.state === 'x509' && privateCa;

function ResultText({ r, privateCa, testId }: { r: VerifyResult; privateCa: boolean; testId: string }) {
  const na = cannotApply(r, privateCa);
  return (
    <div style={{ marginTop: 8, fontSize: 12 }} data-testid={testId} data-state={r.state}>
      <div style={{ fontWeight: 600, color: na ? colors.muted : STATE_COLOR[r.state] }}>
        {tr(na ? 'HARBOR_CONNECT_WIZARD_VERIFY_NOT_APPLICABLE' : `HARBOR_CONNECT_WIZARD_CHECK_${r.state.toUpperCase().replace(/-/g, '_')}`)}
      </div>
      {na ? <div>{tr('HARBOR_CONNECT_WIZARD_VERIFY_X509_EXPECTED')}</div> : null}
      {r.detail ? <div style={{ color: colors.muted, wordBreak: 'break-word', marginTop: 2 }}>{r.detail}</div> : null}
    </div>
  );
}

export function CredentialsStep({ state, dispatch, cluster }: StepProps) {
  const addr = parseAddress(state);
  const robot = isRobotAccount(state.username);
  const [busy, setBusy] = useState<'verify' | 'probe' | 'pull' | undefined>();
  const caPem = state.caChoice === 'custom' ? state.caText : undefined;
  const ready = addr.ok && !!state.username && !!state.password;
  // The probe needs no credential: only the address (and the CA).
  const probeReady = addr.ok;
  const projects = useQuery(queryKeys.composite.myProjects(cluster.name), ({ signal }) => listMyProjects(cluster, { signal, limit: 500 }));
  const projectNames = ((projects.data?.items ?? []) as Namespace[]).map((n) => n.metadata?.name ?? '').filter(Boolean).sort();
  const [pullNs, setPullNs] = useState('');
  // The project the temporary pull secret goes to is chosen, never picked for the user (the first project
  // alphabetically could belong to anyone): one already chosen in the Projects step, or an explicit choice here.
  const ns = pullNs || projectsIn(state, cluster.name)[0] || '';
  const [image, setImage] = useState('');
  const testImage = image || (addr.ok ? defaultTestImage(addr.value.serverKey) : '');

  // The next probe run's random id: the objects shown are exactly the ones the run creates.
  const [probeId, setProbeId] = useState(() => newProbeId());
  const probeWrites = useMemo(
    () => (addr.ok ? planProbe({ registryId: registryIdOf(addr.value), address: addr.value, caPem, id: probeId, paths: WIZARD_PROBE_PATHS }) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state.address, state.insecure, caPem, probeId],
  );
  // Probe objects and pull-test Secrets and pods a closed tab or a failed delete left behind are removed when this
  // step opens (by label, only those past their lifetime).
  useEffect(() => {
    void removeProbeLeftovers(cluster).catch(() => undefined);
    void removePullTestLeftovers(cluster).catch(() => undefined);
  }, [cluster]);
  const [cleaning, setCleaning] = useState(false);
  const retryCleanup = async () => {
    const left = state.probe?.cleanupFailures ?? [];
    if (!left.length) return;
    setCleaning(true);
    const failures = await deleteProbeObjects(cluster, left.map((f) => probeDeleteWrite(f.name)));
    const still = failures.map((f) => ({ name: f.name, message: f.error instanceof Error ? f.error.message : String(f.error) }));
    dispatch({ type: 'set', patch: { probe: state.probe ? { ...state.probe, cleanupFailures: still.length ? still : undefined } : undefined } });
    setCleaning(false);
  };

  const doVerify = async () => {
    if (!addr.ok) return;
    setBusy('verify');
    const r = await verifyWithKubeSphere(cluster, { namespace: ns || 'default', address: addr.value, username: state.username, password: state.password, email: state.email });
    dispatch({ type: 'set', patch: { verify: r } });
    setBusy(undefined);
  };
  const doProbe = async () => {
    if (!addr.ok) return;
    setBusy('probe');
    const r = await probeRegistry(cluster, { registryId: registryIdOf(addr.value), address: addr.value, caPem, id: probeId });
    setProbeId(newProbeId());
    dispatch({ type: 'set', patch: { probe: r, ...(r.kind ? { kind: r.kind } : {}) } });
    setBusy(undefined);
  };
  const doPull = async () => {
    if (!addr.ok || !ns) return;
    setBusy('pull');
    const r = await runPullTest(cluster, { namespace: ns, address: addr.value, username: state.username, password: state.password, image: testImage, registryId: registryIdOf(addr.value) });
    dispatch({ type: 'set', patch: { pullTest: r } });
    setBusy(undefined);
  };

  return (
    <div data-testid="hc-step-credentials">
      <Field label={tr('HARBOR_CONNECT_WIZARD_USERNAME')} testId="hc-username-field">
        <Input value={state.username} onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'credentials', patch: { username: e.target.value } })} style={inputStyle} data-testid="hc-username" autoComplete="off" />
      </Field>
      {robot ? (
        <Alert type="info" title={tr('HARBOR_CONNECT_WIZARD_ROBOT_TITLE', { name: robot.name, project: robot.project ?? '' })} style={{ marginBottom: 16, maxWidth: 720 }} data-testid="hc-robot">
          {tr(robot.level === 'project' ? 'HARBOR_CONNECT_WIZARD_ROBOT_PROJECT' : 'HARBOR_CONNECT_WIZARD_ROBOT_SYSTEM', { project: robot.project ?? '' })}
        </Alert>
      ) : null}
      <Field label={tr('HARBOR_CONNECT_WIZARD_PASSWORD')} help={tr('HARBOR_CONNECT_WIZARD_PASSWORD_HELP')} testId="hc-password-field">
        <InputPassword value={state.password} onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'credentials', patch: { password: e.target.value } })} style={inputStyle} data-testid="hc-password" autoComplete="new-password" />
      </Field>
      <Field label={tr('HARBOR_CONNECT_WIZARD_EMAIL')} help={tr('HARBOR_CONNECT_WIZARD_EMAIL_HELP')} testId="hc-email-field">
        <Input value={state.email} onChange={(e: React.ChangeEvent<HTMLInputElement>) => dispatch({ type: 'credentials', patch: { email: e.target.value } })} style={inputStyle} data-testid="hc-email" />
      </Field>

      <div style={{ fontWeight: 600, margin: '8px 0' }}>{tr('HARBOR_CONNECT_WIZARD_CHECKS_TITLE')}</div>
      <div style={{ fontSize: 12, color: colors.muted, marginBottom: 8 }}>{tr('HARBOR_CONNECT_WIZARD_CHECKS_DESC')}</div>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        <CheckCard title={tr('HARBOR_CONNECT_WIZARD_VERIFY_TITLE')} proves={tr('HARBOR_CONNECT_WIZARD_VERIFY_PROVES')} testId="hc-check-verify" state={cannotApply(state.verify, !!caPem) ? 'not-applicable' : state.verify?.state}>
          <Button size="sm" onClick={() => void doVerify()} disabled={!ready || !!busy} loading={busy === 'verify'} data-testid="hc-run-verify">
            {tr('HARBOR_CONNECT_WIZARD_VERIFY_RUN')}
          </Button>
          {state.verify ? <ResultText r={state.verify} privateCa={!!caPem} testId="hc-verify-result" /> : null}
        </CheckCard>
        <CheckCard title={tr('HARBOR_CONNECT_WIZARD_PROBE_TITLE')} proves={tr('HARBOR_CONNECT_WIZARD_PROBE_PROVES')} testId="hc-check-probe" state={state.probe?.state}>
          <div style={{ fontSize: 12, marginBottom: 6 }}>{tr('HARBOR_CONNECT_WIZARD_PROBE_WRITES')}</div>
          {probeWrites.length ? (
            <details data-testid="hc-probe-plan">
              <summary style={{ cursor: 'pointer', fontSize: 12 }}>
                {tr('HARBOR_CONNECT_WIZARD_ACTION_CREATE')} ReverseProxy × {probeWrites.length}
              </summary>
              <pre style={{ ...codeStyle, maxHeight: 240, fontSize: 11 }}>{probeWrites.map((w) => writeToYamlDocument(w)).join('---\n')}</pre>
              <pre style={{ ...codeStyle, maxHeight: 160, fontSize: 11, marginTop: 4 }}>{probeWrites.map((w) => writeToKubectl(w)).join('\n')}</pre>
            </details>
          ) : null}
          <Button size="sm" style={{ marginTop: 8 }} onClick={() => void doProbe()} disabled={!probeReady || !!busy} loading={busy === 'probe'} data-testid="hc-run-probe">
            {tr('HARBOR_CONNECT_WIZARD_PROBE_RUN')}
          </Button>
          {state.probe ? (
            <>
              <ResultText r={state.probe} privateCa={false} testId="hc-probe-result" />
              {state.probe.state === 'ok' ? (
                <div style={{ fontSize: 12, color: colors.muted }}>{tr(state.probe.wantsAuth ? 'HARBOR_CONNECT_WIZARD_PROBE_OK_AUTH' : 'HARBOR_CONNECT_WIZARD_PROBE_OK_ANONYMOUS')}</div>
              ) : null}
              {state.probe.cleanupFailures?.length ? (
                <Alert type="warning" title={tr('HARBOR_CONNECT_WIZARD_PROBE_CLEANUP_FAILED', { names: state.probe.cleanupFailures.map((f) => f.name).join(', ') })} style={{ marginTop: 6 }} data-testid="hc-probe-cleanup-failed">
                  <div style={{ fontSize: 12 }}>{state.probe.cleanupFailures.map((f) => `${f.name}: ${f.message}`).join('; ')}</div>
                  <Button size="sm" style={{ marginTop: 6 }} onClick={() => void retryCleanup()} loading={cleaning} data-testid="hc-probe-cleanup-retry">
                    {tr('HARBOR_CONNECT_WIZARD_PROBE_CLEANUP_RETRY')}
                  </Button>
                </Alert>
              ) : null}
              {state.probe.kind ? (
                <Tag color="secondary" style={{ marginTop: 6 }} data-testid="hc-registry-kind">
                  {tr(state.probe.kind === 'harbor' ? 'HARBOR_CONNECT_WIZARD_KIND_HARBOR' : 'HARBOR_CONNECT_WIZARD_KIND_OCI', { version: state.probe.harborVersion ?? '' })}
                </Tag>
              ) : null}
            </>
          ) : null}
        </CheckCard>
        <CheckCard title={tr('HARBOR_CONNECT_WIZARD_PULL_TITLE')} proves={tr('HARBOR_CONNECT_WIZARD_PULL_PROVES')} testId="hc-check-pull" state={state.pullTest?.state}>
          <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
            <div style={{ fontSize: 12 }}>
              {tr('HARBOR_CONNECT_WIZARD_PULL_PROJECT')}{' '}
              {/* No default: the project for the temporary pull secret is chosen (issue 12 item 6). virtual={false}: every
                  project is in the DOM, so a test can click any. */}
              <Select
                value={ns || undefined}
                onChange={(v: string) => setPullNs(v)}
                options={projectNames.map((p) => ({ label: p, value: p }))}
                placeholder={tr('HARBOR_CONNECT_WIZARD_PULL_PROJECT_CHOOSE')}
                virtual={false}
                style={{ minWidth: 200 }}
                data-testid="hc-pull-project"
                data-value={ns}
              />
            </div>
            <label style={{ fontSize: 12 }}>
              {tr('HARBOR_CONNECT_PULLTEST_IMAGE')}
              <Input value={testImage} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setImage(e.target.value)} data-testid="hc-pull-image" />
            </label>
            {ns ? <div style={{ fontSize: 12, color: colors.muted }}>{tr('HARBOR_CONNECT_WIZARD_PULL_WRITES', { namespace: ns })}</div> : null}
          </div>
          <Button size="sm" style={{ marginTop: 8 }} onClick={() => void doPull()} disabled={!ready || !ns || !!busy} loading={busy === 'pull'} data-testid="hc-run-pull">
            {tr('HARBOR_CONNECT_WIZARD_PULL_RUN')}
          </Button>
          {state.pullTest ? (
            <div style={{ marginTop: 8, fontSize: 12 }} data-testid="hc-pull-result" data-state={state.pullTest.state} data-cause={state.pullTest.diagnosis?.cause}>
              <div style={{ fontWeight: 600, color: STATE_COLOR[state.pullTest.state] }}>
                {tr(`HARBOR_CONNECT_WIZARD_PULL_${state.pullTest.state.toUpperCase()}`, { node: state.pullTest.node ?? '' })}
              </div>
              {state.pullTest.diagnosis && state.pullTest.state === 'failed' ? (
                <>
                  <div style={{ fontWeight: 600 }} data-testid="hc-pull-diagnosis">
                    {trOr(state.pullTest.diagnosis.titleKey, 'HARBOR_CONNECT_WIZARD_PULL_CAUSE', { ...state.pullTest.diagnosis.detail, cause: state.pullTest.diagnosis.cause })}
                  </div>
                  <div>{trOr(state.pullTest.diagnosis.fixKey, '', state.pullTest.diagnosis.detail)}</div>
                  {state.pullTest.diagnosis.cause === 'unknown-authority' ? <div style={{ color: colors.warningText }}>{tr('HARBOR_CONNECT_WIZARD_PULL_X509_BEFORE_TRUST')}</div> : null}
                </>
              ) : null}
              {state.pullTest.message ? <div style={{ color: colors.muted, wordBreak: 'break-word' }}>{state.pullTest.message}</div> : null}
              {state.pullTest.cleanupFailures?.length ? (
                <div style={{ color: colors.warningText, marginTop: 4 }} data-testid="hc-pull-cleanup-failed">
                  {tr('HARBOR_CONNECT_WIZARD_PULL_CLEANUP_FAILED', { names: state.pullTest.cleanupFailures.map((f) => `${f.name} (${f.message})`).join(', ') })}
                </div>
              ) : null}
            </div>
          ) : null}
        </CheckCard>
      </div>
      <CredentialDecision state={state} dispatch={dispatch} privateCa={!!caPem} />
    </div>
  );
}

/** What the checks concluded, and the explicit choice to write credentials none of them accepted. */
function CredentialDecision({ state, dispatch, privateCa }: Pick<StepProps, 'state' | 'dispatch'> & { privateCa: boolean }) {
  const verdict = credentialVerdict(state);
  if (verdict.state === 'rejected') return null;
  if (verdict.state === 'accepted') {
    return (
      <div style={{ marginTop: 12, color: colors.success, fontWeight: 600 }} data-testid="hc-cred-verdict" data-state="accepted">
        {tr('HARBOR_CONNECT_WIZARD_CRED_ACCEPTED')}
      </div>
    );
  }
  return (
    <label style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginTop: 12, maxWidth: 720, cursor: 'pointer' }} data-testid="hc-cred-verdict" data-state={verdict.state}>
      <input
        type="checkbox"
        checked={state.writeUnverified}
        onChange={(e) => dispatch({ type: 'set', patch: { writeUnverified: e.target.checked } })}
        data-testid="hc-write-unverified"
        style={{ marginTop: 3 }}
      />
      <span>
        <span style={{ fontWeight: 600, display: 'block' }}>{tr('HARBOR_CONNECT_WIZARD_WRITE_UNVERIFIED')}</span>
        <span style={{ fontSize: 12, color: colors.muted }}>{tr(privateCa ? 'HARBOR_CONNECT_WIZARD_WRITE_UNVERIFIED_PRIVATE_CA' : 'HARBOR_CONNECT_WIZARD_WRITE_UNVERIFIED_PUBLIC')}</span>
      </span>
    </label>
  );
}
