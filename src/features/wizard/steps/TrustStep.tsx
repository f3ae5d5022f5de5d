import React, { useMemo } from 'react';
import { Alert, Button, Tag } from '@kubed/components';
import type { Node } from 'kubernetes-types/core/v1';
import { useList, nodes as nodesClient } from '../../../api';
import { manualTrustInstructions, ManualTrustInputError, nodeRuntime, registryHost, trustInstallerName, type ManualRuntimeInstructions } from '../../../domain/trust';
import { DEFAULT_EXTENSION_NAMESPACE } from '../../../domain/record';
import { registryIdOf } from '../../../domain/wizard/plan';
import { tr } from '../../../i18n/t';
import { Spinner } from '../../../components/Spinner';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { codeStyle } from '../../../components/plan/PlanReview';
import { copyText } from '../../../components/plan/download';
import { Choice, Section } from '../ui';
import type { StepProps } from './types';
import { parseAddress } from '../../../domain/wizard/state';
import { colors } from '../../../components/theme';

function Copyable({ text, testId }: { text: string; testId?: string }) {
  return (
    <div style={{ position: 'relative', marginBottom: 8 }}>
      <pre style={codeStyle} data-testid={testId}>
        {text}
      </pre>
      <Button size="sm" variant="outline" style={{ position: 'absolute', top: 6, right: 6 }} onClick={() => void copyText(text)}>
        {tr('HARBOR_CONNECT_WIZARD_COPY')}
      </Button>
    </div>
  );
}

function RuntimeInstructions({ r }: { r: ManualRuntimeInstructions }) {
  return (
    <div style={{ marginBottom: 16 }} data-testid="hc-manual-runtime" data-runtime={r.runtime}>
      <div style={{ fontWeight: 600, marginBottom: 6 }}>{r.runtime}</div>
      <div style={{ fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_TRUST_MANUAL_FILES')}</div>
      {r.files.map((f) => (
        <div key={f.path}>
          <div style={{ fontFamily: 'Monaco, Menlo, monospace', fontSize: 12 }}>{f.path}</div>
          <Copyable text={f.content} />
        </div>
      ))}
      <div style={{ fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_TRUST_MANUAL_NODE_SCRIPT')}</div>
      <Copyable text={r.nodeScript} />
      <div style={{ fontSize: 12, marginBottom: 4 }}>{tr('HARBOR_CONNECT_TRUST_MANUAL_ALL_NODES')}</div>
      <Copyable text={r.allNodesSnippet} />
      {r.snippets.map((s) => (
        <div key={s.path}>
          <div style={{ fontSize: 12, marginBottom: 4 }}>
            {tr(s.title.key, s.title.params)} — {s.path}
          </div>
          <Copyable text={s.content} />
        </div>
      ))}
      {r.notes.map((n) => (
        <div key={n.key} style={{ fontSize: 12, color: colors.muted }}>
          • {tr(n.key, n.params)}
        </div>
      ))}
    </div>
  );
}

export function TrustStep({ state, dispatch, cluster }: StepProps) {
  const nodeList = useList(nodesClient, cluster, { all: true });
  const runtimes = useMemo(() => ((nodeList.data?.items ?? []) as Node[]).map((n) => ({ node: n.metadata?.name ?? '', ...nodeRuntime(n) })), [nodeList.data]);
  const addr = parseAddress(state);
  if (state.caChoice === 'public') {
    return (
      <div data-testid="hc-step-trust">
        <Alert type="info" title={tr('HARBOR_CONNECT_WIZARD_TRUST_NOT_NEEDED_TITLE')}>
          {tr('HARBOR_CONNECT_WIZARD_TRUST_NOT_NEEDED')}
        </Alert>
      </div>
    );
  }
  // Only the parsed certificates, re-encoded, ever reach these commands; a CA that is not certificates alone
  // gives no commands at all (the certificate step names the problem).
  let manual: ReturnType<typeof manualTrustInstructions> | undefined;
  let manualError: string | undefined;
  if (state.trustMode === 'manual' && addr.ok) {
    try {
      manual = manualTrustInstructions({ hostPort: addr.value.authority, caPem: state.caText, runtimes: runtimes.length ? runtimes : ['containerd'], nodeNames: runtimes.map((r) => r.node) });
    } catch (e) {
      manualError = e instanceof ManualTrustInputError ? e.reason : String(e);
    }
  }
  return (
    <div data-testid="hc-step-trust">
      <Choice
        checked={state.trustMode === 'automatic'}
        onChange={() => dispatch({ type: 'set', patch: { trustMode: 'automatic' } })}
        title={tr('HARBOR_CONNECT_TRUST_MODE_AUTOMATIC')}
        description={tr('HARBOR_CONNECT_TRUST_MODE_AUTOMATIC_DESC')}
        testId="hc-trust-automatic"
      />
      <Choice
        checked={state.trustMode === 'manual'}
        onChange={() => dispatch({ type: 'set', patch: { trustMode: 'manual' } })}
        title={tr('HARBOR_CONNECT_TRUST_MODE_MANUAL')}
        description={tr('HARBOR_CONNECT_TRUST_MODE_MANUAL_DESC')}
        testId="hc-trust-manual"
      />
      <Section title={tr('HARBOR_CONNECT_WIZARD_TRUST_NODES', { count: runtimes.length })}>
        {nodeList.isLoading ? <Spinner /> : null}
        {nodeList.isError ? <ErrorAlert error={nodeList.error} /> : null}
        <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4 }} data-testid="hc-trust-nodes">
          {runtimes.map((r, i) => (
            <div key={r.node} style={{ display: 'flex', gap: 12, padding: '6px 12px', borderTop: i ? `1px solid ${colors.border}` : undefined }} data-testid="hc-trust-node">
              <span style={{ fontWeight: 600, minWidth: 200 }}>{r.node}</span>
              <Tag color={r.runtime === 'unknown' || r.runtime === 'k3s' || r.runtime === 'rke2' ? 'warning' : 'default'}>{r.runtime}</Tag>
              <span style={{ color: colors.muted }}>{r.version}</span>
              {state.trustMode === 'automatic' && (r.runtime === 'k3s' || r.runtime === 'rke2' || r.runtime === 'unknown') ? (
                <span style={{ color: colors.warningText, fontSize: 12 }}>{tr('HARBOR_CONNECT_TRUST_REASON_RUNTIME_MANUAL', { runtime: r.runtime })}</span>
              ) : null}
            </div>
          ))}
        </div>
      </Section>
      {state.trustMode === 'automatic' ? (
        <Alert type="info" title={tr('HARBOR_CONNECT_TRUST_AUTO_TITLE')}>
          <div>
            {tr('HARBOR_CONNECT_TRUST_AUTO_DESC', {
              name: addr.ok ? trustInstallerName(registryIdOf(addr.value)) : '',
              namespace: DEFAULT_EXTENSION_NAMESPACE,
              hostDir: addr.ok ? registryHost(addr.value.authority).hostDir : '',
            })}
          </div>
          <div style={{ marginTop: 4 }}>{tr('HARBOR_CONNECT_TRUST_AUTO_SECURITY_NOTE')}</div>
        </Alert>
      ) : null}
      {manualError ? (
        <Alert type="error" title={tr('HARBOR_CONNECT_TRUST_MANUAL_CA_INVALID')} data-testid="hc-manual-ca-invalid">
          {tr('HARBOR_CONNECT_TRUST_MANUAL_CA_INVALID_DESC', { reason: manualError })}
        </Alert>
      ) : null}
      {manual ? (
        <Section title={tr('HARBOR_CONNECT_TRUST_MANUAL_TITLE')} description={tr('HARBOR_CONNECT_TRUST_MANUAL_DESC')}>
          {manual.notes.map((n) => (
            <div key={n.key} style={{ fontSize: 12, color: colors.warningText }}>
              {tr(n.key, n.params)}
            </div>
          ))}
          {manual.instructions.map((r) => (
            <RuntimeInstructions key={r.runtime} r={r} />
          ))}
        </Section>
      ) : null}
    </div>
  );
}
