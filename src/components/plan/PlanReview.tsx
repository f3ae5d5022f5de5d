import React, { useState } from 'react';
import { Button, Tag } from '@kubed/components';
import type { Write } from '../../domain/plan/write';
import { maskSecrets, planToYaml, writeToKubectl, writeToYamlDocument } from '../../domain/plan';
import { tr } from '../../i18n/t';
import { downloadText, copyText } from './download';
import type { AccessVerdict } from '../../api/access';
import { verdictText } from './usePreflight';
import { colors } from '../theme';

export interface PlanReviewProps {
  writes: readonly Write[];
  /** Extra masking for display (e.g. credentials outside Secrets); Secret values are always masked unless revealed. */
  mask?: (w: Write) => Write;
  /** File name of the download. */
  fileName?: string;
  testId?: string;
  /** The preflight's verdict per write (same order), when it ran: a denied write says why. */
  verdicts?: ReadonlyArray<AccessVerdict | undefined>;
}

const ACTION_COLOR: Record<Write['action'], string> = {
  create: 'success',
  replace: 'warning',
  patch: 'secondary',
  delete: 'error',
};

export const codeStyle: React.CSSProperties = {
  background: colors.text,
  color: colors.border,
  fontFamily: 'Monaco, Menlo, Consolas, monospace',
  fontSize: 12,
  lineHeight: '18px',
  padding: 12,
  borderRadius: 4,
  overflow: 'auto',
  maxHeight: 360,
  whiteSpace: 'pre',
  margin: 0,
};

function target(w: Write): string {
  return w.namespace ? `${w.namespace}/${w.name}` : w.name;
}

/** Every planned write, with its reason, as YAML or kubectl; secrets masked unless revealed; a download of the whole plan. */
export function PlanReview({ writes, mask, fileName = 'harbor-connect-plan.yaml', testId = 'hc-plan-review', verdicts }: PlanReviewProps) {
  const [reveal, setReveal] = useState(false);
  const [view, setView] = useState<'yaml' | 'kubectl'>('yaml');
  const [open, setOpen] = useState<Record<number, boolean>>({});
  const shown = (w: Write) => {
    const m = mask && !reveal ? mask(w) : w;
    return reveal ? m : maskSecrets(m);
  };
  const yaml = planToYaml(writes.map(shown), { reveal: true });

  if (writes.length === 0) {
    return (
      <div data-testid={testId} style={{ padding: 16, color: colors.success }}>
        <span data-testid="hc-plan-empty">{tr('HARBOR_CONNECT_WIZARD_PLAN_EMPTY')}</span>
      </div>
    );
  }
  return (
    <div data-testid={testId}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 12, flexWrap: 'wrap' }}>
        <span style={{ fontWeight: 600 }}>{tr('HARBOR_CONNECT_WIZARD_PLAN_COUNT', { count: writes.length })}</span>
        <span style={{ flex: 1 }} />
        <label style={{ display: 'flex', alignItems: 'center', gap: 4, cursor: 'pointer' }}>
          <input type="radio" checked={view === 'yaml'} onChange={() => setView('yaml')} data-testid="hc-plan-view-yaml" />
          YAML
        </label>
        <label style={{ display: 'flex', alignItems: 'center', gap: 4, cursor: 'pointer' }}>
          <input type="radio" checked={view === 'kubectl'} onChange={() => setView('kubectl')} data-testid="hc-plan-view-kubectl" />
          kubectl
        </label>
        <label style={{ display: 'flex', alignItems: 'center', gap: 4, cursor: 'pointer' }}>
          <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} data-testid="hc-plan-reveal" />
          {tr('HARBOR_CONNECT_WIZARD_PLAN_REVEAL')}
        </label>
        <Button size="sm" variant="outline" onClick={() => setOpen(Object.fromEntries(writes.map((_, i) => [i, true])))}>
          {tr('HARBOR_CONNECT_WIZARD_PLAN_EXPAND_ALL')}
        </Button>
        <Button size="sm" onClick={() => downloadText(fileName, yaml, 'application/yaml')} data-testid="hc-plan-download">
          {tr('HARBOR_CONNECT_WIZARD_PLAN_DOWNLOAD')}
        </Button>
      </div>
      {!reveal ? <div style={{ fontSize: 12, color: colors.muted, marginBottom: 8 }}>{tr('HARBOR_CONNECT_WIZARD_PLAN_MASKED_NOTE')}</div> : null}
      <div style={{ border: `1px solid ${colors.border}`, borderRadius: 4 }}>
        {writes.map((w, i) => {
          const s = shown(w);
          const text = view === 'yaml' ? writeToYamlDocument(s, { reveal: true }) : writeToKubectl(s, { reveal: true });
          return (
            <div
              key={`${w.action}-${w.kind}-${target(w)}-${i}`}
              style={{ borderTop: i ? `1px solid ${colors.border}` : undefined }}
              data-testid="hc-plan-write"
              data-verdict={verdicts?.[i] ? (verdicts[i]!.allowed ? 'allowed' : 'denied') : undefined}
            >
              <div
                style={{ display: 'flex', gap: 8, alignItems: 'center', padding: '8px 12px', cursor: 'pointer' }}
                onClick={() => setOpen({ ...open, [i]: !open[i] })}
              >
                <Tag color={ACTION_COLOR[w.action]}>{tr(`HARBOR_CONNECT_WIZARD_ACTION_${w.action.toUpperCase()}`)}</Tag>
                <span style={{ fontWeight: 600 }}>{w.kind}</span>
                <span style={{ fontFamily: 'Monaco, Menlo, monospace', fontSize: 12 }}>{target(w)}</span>
                <span style={{ flex: 1, color: colors.muted, fontSize: 12 }}>{w.reason ? tr(w.reason.key, w.reason.params) : ''}</span>
                {verdicts?.[i] && !verdicts[i]!.allowed ? (
                  <Tag color="error" title={verdictText(verdicts[i]!)}>
                    {tr('HARBOR_CONNECT_PREFLIGHT_ROW_DENIED')}
                  </Tag>
                ) : null}
                {w.effects?.map((e) => (
                  <Tag key={e} color="warning">
                    {tr(`HARBOR_CONNECT_WIZARD_EFFECT_${e.toUpperCase().replace(/-/g, '_')}`)}
                  </Tag>
                ))}
                <span style={{ color: colors.muted }}>{open[i] ? '▾' : '▸'}</span>
              </div>
              {open[i] ? (
                <div style={{ padding: '0 12px 12px' }}>
                  <pre style={codeStyle} data-testid="hc-plan-write-text">
                    {text}
                  </pre>
                  <Button size="sm" variant="text" onClick={() => void copyText(text)}>
                    {tr('HARBOR_CONNECT_WIZARD_COPY')}
                  </Button>
                </div>
              ) : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}
