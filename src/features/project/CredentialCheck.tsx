// Does the registry accept these credentials? The wizard's checks (../wizard/verify.ts), on the project page:
// KubeSphere's verify first (it writes nothing), then, when KubeSphere cannot tell (a private CA), the pull test,
// whose pod is shown before it runs. What they found is the caller's state (it decides what may be written).
import React from 'react';
import { Button } from '@kubed/components';
import type { ClusterContext } from '../../api/cluster';
import { PlanReview } from '../../components/plan/PlanReview';
import { colors } from '../../components/theme';
import { newPullTestRunId, planCredentialPullTest } from '../../domain/pulltest';
import type { RegistryAddress } from '../../domain/registry';
import { credentialVerdict, type CredentialVerdict } from '../../domain/wizard/verdict';
import type { PullTestOutcome, VerifyResult } from '../../domain/wizard/results';
import { tr } from '../../i18n/t';
import { trOr } from '../wizard/ui';
import { runPullTest, verifyWithKubeSphere, type PullTestCredentials } from '../wizard/verify';

export interface CredentialChecks {
  verify?: VerifyResult;
  pullTest?: PullTestOutcome;
}

export interface CredentialCheckProps {
  cluster: ClusterContext;
  namespace: string;
  address: RegistryAddress;
  registryId: string;
  /** What the pull test pulls with: the typed credentials (a temporary Secret) or an existing pull secret. */
  pullWith: PullTestCredentials;
  /** The credentials KubeSphere's verify logs in with (read from the existing pull secret, or typed). */
  credential?: { username: string; password: string };
  defaultImage: string;
  checks: CredentialChecks;
  onChecks: (checks: CredentialChecks) => void;
  testId: string;
}

const STATE_COLOR: Record<CredentialVerdict['state'], string> = { unchecked: colors.muted, accepted: colors.success, rejected: colors.error, unknown: colors.warningText };
const small: React.CSSProperties = { fontSize: 12 };

/** The verdict as a sentence. */
export function credentialVerdictText(v: CredentialVerdict, host: string): string {
  if (v.state === 'accepted') return tr(v.by === 'pull-test' ? 'HARBOR_CONNECT_CRED_ACCEPTED_PULL' : 'HARBOR_CONNECT_CRED_ACCEPTED', { host });
  if (v.state === 'rejected') return tr('HARBOR_CONNECT_CRED_REJECTED', { host, cause: v.cause ?? '' });
  if (v.state === 'unknown') return tr(v.kubesphereNotApplicable && v.by === 'kubesphere' ? 'HARBOR_CONNECT_CRED_NOT_APPLICABLE' : 'HARBOR_CONNECT_CRED_UNKNOWN', { host, cause: v.cause ?? '' });
  return tr('HARBOR_CONNECT_CRED_UNCHECKED');
}

export function CredentialCheck(props: CredentialCheckProps) {
  const { cluster, namespace, address, checks, onChecks } = props;
  const [busy, setBusy] = React.useState<'verify' | 'pull'>();
  const [image, setImage] = React.useState(props.defaultImage);
  // The pod shown is the pod the run creates.
  const [runId, setRunId] = React.useState(() => newPullTestRunId(Date.now()));
  const verdict = credentialVerdict(checks);
  const existing = 'secretName' in props.pullWith ? props.pullWith.secretName : undefined;
  const pod = React.useMemo(
    () => planCredentialPullTest({ namespace, image, registryId: props.registryId, runId, secretName: existing }),
    [namespace, image, props.registryId, runId, existing],
  );
  const latest = React.useRef(checks);
  latest.current = checks;
  // What is being checked: a result for other credentials (changed while it ran) or for an unmounted check is dropped.
  const input = JSON.stringify([namespace, address.serverKey, props.credential, props.pullWith]);
  const current = React.useRef(input);
  current.current = input;
  const settle = (asked: string, patch: CredentialChecks) => {
    if (current.current !== asked) return;
    setBusy(undefined);
    onChecks({ ...latest.current, ...patch });
  };

  const verify = async () => {
    if (!props.credential) return onChecks({ ...latest.current, verify: { state: 'error', detail: 'no credential for this registry' } });
    const asked = input;
    setBusy('verify');
    settle(asked, { verify: await verifyWithKubeSphere(cluster, { namespace, address, ...props.credential }) });
  };
  const pull = async () => {
    const asked = input;
    setBusy('pull');
    const r = await runPullTest(cluster, { namespace, address, image, registryId: props.registryId, runId, ...props.pullWith });
    if (current.current === asked) setRunId(newPullTestRunId(Date.now()));
    settle(asked, { pullTest: r });
  };
  // Checks run only when asked (each one logs in to the registry); an answer arriving after unmount is dropped.
  React.useEffect(
    () => () => {
      current.current = '';
    },
    [],
  );
  // Credentials changed while a check ran: that run's answer will be dropped, so the buttons are free again.
  const [asked, setAsked] = React.useState(input);
  if (asked !== input) {
    setAsked(input);
    if (busy) setBusy(undefined);
  }

  const d = checks.pullTest?.diagnosis;
  return (
    <div data-testid={props.testId} data-verdict={busy ? 'checking' : verdict.state} data-by={verdict.by ?? ''} style={{ marginTop: 8 }}>
      <div style={{ ...small, fontWeight: 600, color: busy ? colors.muted : STATE_COLOR[verdict.state] }} data-testid="hc-cred-verdict">
        {busy ? tr(busy === 'pull' ? 'HARBOR_CONNECT_CRED_PULLING' : 'HARBOR_CONNECT_CRED_CHECKING') : credentialVerdictText(verdict, address.authority)}
      </div>
      {checks.verify?.detail && verdict.by === 'kubesphere' && verdict.state !== 'accepted' ? (
        <div style={{ ...small, color: colors.muted, wordBreak: 'break-word' }}>{checks.verify.detail}</div>
      ) : null}
      {d && checks.pullTest?.state === 'failed' ? (
        <div style={small} data-testid="hc-cred-diagnosis" data-cause={d.cause}>
          <b>{trOr(d.titleKey, 'HARBOR_CONNECT_WIZARD_PULL_CAUSE', { ...d.detail, cause: d.cause })}</b> {trOr(d.fixKey, '', d.detail)}
        </div>
      ) : null}
      {checks.pullTest?.message && checks.pullTest.state !== 'pulled' ? (
        <div style={{ ...small, color: colors.muted, wordBreak: 'break-word' }}>{checks.pullTest.message}</div>
      ) : null}
      <Button size="sm" style={{ marginTop: 6 }} onClick={() => void verify()} disabled={!!busy} data-testid="hc-cred-verify">
        {tr('HARBOR_CONNECT_CRED_CHECK')}
      </Button>
      {verdict.state === 'unknown' || (verdict.state === 'accepted' && verdict.by === 'kubesphere') || checks.pullTest ? (
        <div style={{ marginTop: 8, padding: 8, border: `1px solid ${colors.border}`, borderRadius: 4 }} data-testid="hc-cred-pulltest">
          <div style={small}>
            {existing ? tr('HARBOR_CONNECT_CRED_PULL_WRITES_SECRET', { namespace, secret: existing }) : tr('HARBOR_CONNECT_WIZARD_PULL_WRITES', { namespace })}
          </div>
          <label style={{ ...small, display: 'block', marginTop: 6 }}>
            {tr('HARBOR_CONNECT_PULLTEST_IMAGE')}{' '}
            <input value={image} onChange={(e) => setImage(e.target.value)} style={{ width: 360, height: 26 }} data-testid="hc-cred-image" />
          </label>
          <details style={{ marginTop: 6 }}>
            <summary style={{ ...small, cursor: 'pointer' }}>{tr('HARBOR_CONNECT_CRED_PULL_SHOW')}</summary>
            <PlanReview writes={[pod]} fileName="harbor-connect-pull-test.yaml" testId="hc-cred-pull-plan" />
          </details>
          <Button size="sm" style={{ marginTop: 6 }} onClick={() => void pull()} disabled={!!busy || !image} data-testid="hc-cred-pull">
            {tr('HARBOR_CONNECT_WIZARD_PULL_RUN')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
