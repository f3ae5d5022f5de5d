import React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Tag } from '@kubed/components';
import type { ServiceAccount } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api/cluster';
import { isForbidden } from '../../api/errors';
import { invalidateAfterApply, useList } from '../../api/hooks';
import { planExecutor } from '../../api/write';
import { secrets } from '../../api/resources';
import { isRobotAccount, validateCredential } from '../../domain/dockerconfig';
import { validateDns1123Subdomain, suggestSecretName } from '../../domain/names';
import type { Write } from '../../domain/plan/write';
import { DEFAULT_EXTENSION_NAMESPACE, RECORD_LABEL_SELECTOR, parseRegistryRecord, registryIdFromServerKey, caFileSha256 } from '../../domain/record';
import { planProjectCredential, testImageFor, type ProjectWorkload } from '../../domain/binding/project';
import { credentialVerdict, mayWriteCredential } from '../../domain/wizard/verdict';
import { credentialKeyMatchesHost, normalizeRegistryAddress } from '../../domain/registry';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { tr } from '../../i18n/t';
import { PlanPreview } from '../binding/PlanPreview';
import { currentPullSecrets, resultingPullSecrets } from '../../domain/binding/model';
import { colors } from '../../components/theme';
import { consoleUser } from '../consoleUser';
import { CredentialCheck, credentialVerdictText, type CredentialChecks } from './CredentialCheck';

const input: React.CSSProperties = { height: 32, width: 360, border: `1px solid ${colors.borderStrong}`, borderRadius: 4, padding: '0 8px' };
const label: React.CSSProperties = { display: 'block', marginBottom: 10 };
const caption: React.CSSProperties = { color: colors.muted, fontSize: 12, marginBottom: 4 };
const err: React.CSSProperties = { color: colors.error, fontSize: 12, marginTop: 2 };

export interface AddCredentialPanelProps {
  cluster: ClusterContext;
  namespace: string;
  existingNames: string[];
  defaultServiceAccount?: ServiceAccount;
  canBindServiceAccount: boolean;
  bindReason?: string;
  /** The project's workloads: the pull test pulls an image they pull from the registry. */
  workloads?: readonly ProjectWorkload[];
  onClose: () => void;
}

/** The CA and node trust of a registry as the cluster admin set them: read-only, and only when readable. */
function TrustInfo({ cluster, authority }: { cluster: ClusterContext; authority?: string }) {
  const records = useList(secrets, cluster, { namespace: DEFAULT_EXTENSION_NAMESPACE, labelSelector: RECORD_LABEL_SELECTOR }, { retry: false, refetchOnWindowFocus: false });
  if (!authority) return null;
  if (records.isLoading) return null;
  if (records.isError) {
    return (
      <div style={{ ...caption, marginTop: 8 }} data-testid="hc-trust-info" data-state={isForbidden(records.error) ? 'forbidden' : 'error'}>
        {isForbidden(records.error) ? tr('HARBOR_CONNECT_PROJECT_TRUST_ADMIN_MANAGED') : tr('HARBOR_CONNECT_PROJECT_TRUST_UNKNOWN')}
      </div>
    );
  }
  const rec = (records.data?.items ?? [])
    .map((s) => parseRegistryRecord(s))
    .find((r) => r.ok && credentialKeyMatchesHost(r.record.serverKey, authority));
  if (!rec || !rec.ok) {
    return (
      <div style={{ ...caption, marginTop: 8 }} data-testid="hc-trust-info" data-state="none">
        {tr('HARBOR_CONNECT_PROJECT_TRUST_NO_RECORD', { host: authority })}
      </div>
    );
  }
  const r = rec.record;
  return (
    <Alert type="info" title={tr('HARBOR_CONNECT_PROJECT_TRUST_TITLE', { host: authority })} style={{ marginTop: 8 }} data-testid="hc-trust-info" data-state="record">
      <div>{tr('HARBOR_CONNECT_PROJECT_TRUST_MODE', { mode: r.trustMode })}</div>
      <div>{r.caPem ? tr('HARBOR_CONNECT_PROJECT_TRUST_CA', { sha: caFileSha256(r.caPem).slice(0, 16) }) : tr('HARBOR_CONNECT_PROJECT_TRUST_PUBLIC_CA')}</div>
    </Alert>
  );
}

/** A dockerconfigjson Secret for this project only: previewed, then created (and optionally bound to `default`). */
export function AddCredentialPanel(props: AddCredentialPanelProps) {
  const { cluster, namespace } = props;
  const qc = useQueryClient();
  const [address, setAddress] = React.useState('');
  const [name, setName] = React.useState('');
  const [nameTouched, setNameTouched] = React.useState(false);
  const [username, setUsername_] = React.useState('');
  const [password, setPassword_] = React.useState('');
  // The credential checks (the wizard's), and the explicit choice to write when they cannot tell. A change of the
  // address or the credentials invalidates both.
  const [checks, setChecks] = React.useState<CredentialChecks>({});
  const [unverified, setUnverified] = React.useState(false);
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setChecks({});
    setUnverified(false);
  };
  const setUsername = changed(setUsername_);
  const setPassword = changed(setPassword_);
  const setAddressChecked = changed(setAddress);
  const [bindDefault, setBindDefault] = React.useState(props.canBindServiceAccount && !!props.defaultServiceAccount);
  const [step, setStep] = React.useState<'edit' | 'preview' | 'apply'>('edit');
  const [writes, setWrites] = React.useState<Write[]>([]);

  const addr = address ? normalizeRegistryAddress(address) : undefined;
  const authority = addr?.ok ? addr.value.authority : undefined;
  const effectiveName = nameTouched ? name : authority ? suggestSecretName(authority) : '';
  const nameErrors = effectiveName ? validateDns1123Subdomain(effectiveName) : [];
  const taken = props.existingNames.includes(effectiveName);
  const credErrors = validateCredential({ username, password });
  const robot = username ? isRobotAccount(username) : null;
  const verdict = credentialVerdict(checks);
  const checkable = !!addr?.ok && credErrors.length === 0;
  const valid = checkable && effectiveName && !nameErrors.length && !taken && mayWriteCredential(verdict, unverified);

  const plan = (): Write[] =>
    addr?.ok
      ? planProjectCredential({
          address: addr.value,
          username,
          password,
          name: effectiveName,
          namespace,
          createdBy: consoleUser(),
          bindTo: bindDefault ? props.defaultServiceAccount : undefined,
        })
      : [];

  const executor = React.useMemo(() => planExecutor(cluster), [cluster]);
  const field = (caption_: string, el: React.ReactNode, error?: string) => (
    <label style={label}>
      <div style={caption}>{caption_}</div>
      {el}
      {error ? <div style={err}>{error}</div> : null}
    </label>
  );

  return (
    <Card style={{ marginTop: 12 }} data-testid="hc-add-credential-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12 }}>
        <div style={{ fontSize: 14, fontWeight: 600 }}>{tr('HARBOR_CONNECT_PROJECT_ADD_TITLE', { namespace })}</div>
        <Button size="sm" variant="text" onClick={props.onClose} data-testid="hc-add-close">
          {tr('HARBOR_CONNECT_PROJECT_CLOSE')}
        </Button>
      </div>
      {step === 'edit' ? (
        <div>
          {field(
            tr('HARBOR_CONNECT_PROJECT_FIELD_ADDRESS'),
            <input style={input} value={address} onChange={(e) => setAddressChecked(e.target.value)} placeholder="harbor.example.com" data-testid="hc-add-address" />,
            addr && !addr.ok ? tr('HARBOR_CONNECT_PROJECT_ADDRESS_INVALID', { error: addr.error, suggestion: addr.suggestion ?? '' }) : undefined,
          )}
          {authority ? <div style={{ ...caption, marginTop: -6, marginBottom: 10 }}>{tr('HARBOR_CONNECT_PROJECT_ADDRESS_NORMALIZED', { key: addr?.ok ? addr.value.serverKey : '' })}</div> : null}
          {field(
            tr('HARBOR_CONNECT_PROJECT_FIELD_NAME'),
            <input
              style={input}
              value={effectiveName}
              onChange={(e) => {
                setNameTouched(true);
                setName(e.target.value);
              }}
              data-testid="hc-add-name"
            />,
            taken ? tr('HARBOR_CONNECT_PROJECT_NAME_TAKEN', { name: effectiveName }) : nameErrors[0] ? nameErrors[0].message : undefined,
          )}
          {field(
            tr('HARBOR_CONNECT_PROJECT_FIELD_USERNAME'),
            <span>
              <input style={input} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" data-testid="hc-add-username" />
              {robot ? (
                <Tag color="info" style={{ marginLeft: 8 }} data-testid="hc-add-robot">
                  {tr('HARBOR_CONNECT_PROJECT_ROBOT', { project: robot.project ?? '—', name: robot.name })}
                </Tag>
              ) : null}
            </span>,
            username && credErrors.includes('username-has-colon') ? tr('HARBOR_CONNECT_PROJECT_USERNAME_COLON') : undefined,
          )}
          {field(
            tr('HARBOR_CONNECT_PROJECT_FIELD_PASSWORD'),
            <input style={input} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="hc-add-password" />,
          )}
          <label style={{ display: 'flex', gap: 8, alignItems: 'center', color: props.canBindServiceAccount ? undefined : colors.faint }} title={props.bindReason}>
            <input
              type="checkbox"
              checked={bindDefault}
              disabled={!props.canBindServiceAccount || !props.defaultServiceAccount}
              onChange={(e) => setBindDefault(e.target.checked)}
              data-testid="hc-add-bind-default"
            />
            {tr('HARBOR_CONNECT_PROJECT_BIND_DEFAULT')}
          </label>
          {!props.canBindServiceAccount && props.bindReason ? <div style={{ ...caption, marginTop: 4 }}>{props.bindReason}</div> : null}
          <TrustInfo cluster={cluster} authority={authority} />
          {checkable && addr?.ok ? (
            <CredentialCheck
              key={addr.value.serverKey}
              cluster={cluster}
              namespace={namespace}
              address={addr.value}
              registryId={registryIdFromServerKey(addr.value.serverKey)}
              pullWith={{ username, password }}
              credential={{ username, password }}
              defaultImage={testImageFor(addr.value.serverKey, props.workloads ?? [])}
              checks={checks}
              onChecks={setChecks}
              testId="hc-add-check"
            />
          ) : null}
          {verdict.state === 'unknown' ? (
            <label style={{ display: 'flex', gap: 8, alignItems: 'center', marginTop: 8 }}>
              <input type="checkbox" checked={unverified} onChange={(e) => setUnverified(e.target.checked)} data-testid="hc-add-unverified" />
              {tr('HARBOR_CONNECT_CRED_WRITE_UNVERIFIED')}
            </label>
          ) : null}
          {checkable && !mayWriteCredential(verdict, unverified) ? (
            <div style={{ ...caption, marginTop: 8 }} data-testid="hc-add-blocked">
              {tr(verdict.state === 'rejected' ? 'HARBOR_CONNECT_CRED_BLOCKED_REJECTED' : verdict.state === 'unknown' ? 'HARBOR_CONNECT_CRED_BLOCKED_UNKNOWN' : 'HARBOR_CONNECT_CRED_BLOCKED_UNCHECKED')}
            </div>
          ) : null}
          <div style={{ marginTop: 12 }}>
            <Button
              color="secondary"
              disabled={!valid}
              onClick={() => {
                setWrites(plan());
                setStep('preview');
              }}
              data-testid="hc-add-preview"
            >
              {tr('HARBOR_CONNECT_PROJECT_PREVIEW')}
            </Button>
          </div>
        </div>
      ) : null}
      {step === 'preview' ? (
        <div>
          <PlanPreview
            items={writes.map((w) =>
              w.kind === 'ServiceAccount' && props.defaultServiceAccount
                ? {
                    write: w,
                    before: currentPullSecrets(props.defaultServiceAccount as Record<string, unknown>, 'ServiceAccount'),
                    after: resultingPullSecrets(props.defaultServiceAccount as Record<string, unknown>, w),
                  }
                : { write: w },
            )}
          />
          <div style={{ ...caption, marginTop: 8 }} data-testid="hc-add-verdict" data-verdict={verdict.state}>
            {verdict.state === 'accepted' ? credentialVerdictText(verdict, authority ?? '') : tr('HARBOR_CONNECT_CRED_UNVERIFIED_NOTE')}
          </div>
          {bindDefault ? <div style={{ ...caption, marginTop: 8 }}>{tr('HARBOR_CONNECT_PROJECT_EXISTING_PODS', { secret: effectiveName })}</div> : null}
          <div style={{ marginTop: 12, display: 'flex', gap: 8 }}>
            <Button onClick={() => setStep('edit')} data-testid="hc-add-back">
              {tr('HARBOR_CONNECT_PROJECT_BACK')}
            </Button>
            <Button color="primary" onClick={() => setStep('apply')} data-testid="hc-add-apply">
              {tr('HARBOR_CONNECT_PROJECT_APPLY_CREATE')}
            </Button>
          </div>
        </div>
      ) : null}
      {step === 'apply' ? (
        <ApplyProgress
          writes={writes}
          execute={executor}
          stage={(w) => (w.kind === 'Secret' ? 0 : 1)}
          // Bind only once the Secret is ours: never to a same-named Secret someone else holds.
          stopOnFailure
          testId="hc-add-apply-progress"
          onFinished={(outcomes) => {
            setPassword('');
            void invalidateAfterApply(qc, cluster.name, outcomes, { wholeCluster: true });
          }}
        />
      ) : null}
    </Card>
  );
}

