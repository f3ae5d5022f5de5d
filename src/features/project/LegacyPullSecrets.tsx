// Someone else's pull secret for a registry this project is connected to (e.g. a hand-made `legacy-regcred`):
// its credentials are checked with the wizard's checks on request (KubeSphere's verify; a pull test with that very
// Secret), and when the registry rejects them the page says so, who still uses it, and what to do. Never on page
// load: each check is a login to the registry, and failed logins count against the account (Harbor on LDAP/AD
// locks users after a few), so a project page view must not send them.
import React from 'react';
import { Alert, Button } from '@kubed/components';
import type { Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../api/cluster';
import type { BindTarget } from '../../domain/binding/target';
import { legacyPullSecrets, testImageFor, type LegacyPullSecret, type ProjectWorkload } from '../../domain/binding/project';
import { getDockerConfigCredential } from '../../domain/dockerconfig';
import { normalizeRegistryAddress } from '../../domain/registry';
import { credentialVerdict } from '../../domain/wizard/verdict';
import { tr } from '../../i18n/t';
import { usersText } from './ClusterRegistries';
import { CredentialCheck, type CredentialChecks } from './CredentialCheck';

export interface LegacyPullSecretsProps {
  cluster: ClusterContext;
  namespace: string;
  secrets: readonly Secret[];
  serviceAccounts: readonly ServiceAccount[];
  workloads: readonly ProjectWorkload[];
  /** Opens the project page's bind / unbind panel, preselected. */
  onBindPanel: (mode: 'bind' | 'unbind', secret: string, targets: BindTarget[]) => void;
}

function LegacyItem(props: LegacyPullSecretsProps & { item: LegacyPullSecret }) {
  const { item } = props;
  const [checks, setChecks] = React.useState<CredentialChecks>({});
  const verdict = credentialVerdict(checks);
  const secret = props.secrets.find((s) => s.metadata?.name === item.secret);
  const credential = React.useMemo(() => {
    const c = secret ? getDockerConfigCredential({ type: secret.type, data: secret.data ?? undefined }, item.host) : null;
    return c ? { username: c.username, password: c.password } : undefined;
  }, [secret, item.host]);
  const addr = normalizeRegistryAddress(item.host);
  if (!addr.ok) return null;
  const rejected = verdict.state === 'rejected';
  const targets: BindTarget[] = [
    ...item.users.serviceAccounts.map((name) => ({ kind: 'ServiceAccount' as const, name })),
    ...item.users.workloads.filter((w) => !w.via).map((w) => ({ kind: w.kind, name: w.name })),
  ];
  const params = { secret: item.secret, host: item.host, ours: item.ours.join(', '), users: usersText(item.users), creator: item.creator ?? '—' };
  return (
    <Alert
      type={rejected ? 'warning' : 'info'}
      title={tr(rejected ? 'HARBOR_CONNECT_LEGACY_REJECTED_TITLE' : 'HARBOR_CONNECT_LEGACY_TITLE', params)}
      style={{ marginTop: 12 }}
      data-testid="hc-legacy-secret"
      data-secret={item.secret}
      data-verdict={verdict.state}
    >
      <div data-testid="hc-legacy-about">{tr(item.creator ? 'HARBOR_CONNECT_LEGACY_ABOUT' : 'HARBOR_CONNECT_LEGACY_ABOUT_NO_CREATOR', params)}</div>
      <div data-testid="hc-legacy-users">{tr('HARBOR_CONNECT_LEGACY_USERS', params)}</div>
      <CredentialCheck
        cluster={props.cluster}
        namespace={props.namespace}
        address={addr.value}
        registryId={item.registryId}
        pullWith={{ secretName: item.secret }}
        credential={credential}
        defaultImage={testImageFor(item.serverKey, props.workloads)}
        checks={checks}
        onChecks={setChecks}
        testId="hc-legacy-check"
      />
      {rejected ? (
        <div style={{ marginTop: 8 }} data-testid="hc-legacy-fix">
          <div>{tr(targets.length ? 'HARBOR_CONNECT_LEGACY_FIX' : 'HARBOR_CONNECT_LEGACY_FIX_UNUSED', params)}</div>
          {targets.length ? (
            <div style={{ marginTop: 6, display: 'flex', gap: 6 }}>
              <Button size="sm" onClick={() => props.onBindPanel('bind', item.ours[0]!, targets)} data-testid="hc-legacy-bind-ours">
                {tr('HARBOR_CONNECT_LEGACY_BIND_OURS', { secret: item.ours[0]! })}
              </Button>
              <Button size="sm" onClick={() => props.onBindPanel('unbind', item.secret, targets)} data-testid="hc-legacy-unbind">
                {tr('HARBOR_CONNECT_LEGACY_UNBIND', { secret: item.secret })}
              </Button>
            </div>
          ) : null}
        </div>
      ) : null}
    </Alert>
  );
}

/** One notice per pull secret of someone else's that serves a registry of ours; nothing when there is none. */
export function LegacyPullSecrets(props: LegacyPullSecretsProps) {
  const items = legacyPullSecrets(props.secrets, props.serviceAccounts, props.workloads);
  if (!items.length) return null;
  return (
    <div data-testid="hc-legacy-secrets">
      {items.map((item) => (
        <LegacyItem key={`${item.secret}/${item.host}`} {...props} item={item} />
      ))}
    </div>
  );
}
