import React from 'react';
import { Tag } from '@kubed/components';
import type { Write } from '../../domain/plan/write';
import { PlanReview, codeStyle } from '../../components/plan/PlanReview';
import { tr } from '../../i18n/t';
import { colors } from '../../components/theme';

export interface PreviewItem {
  write: Write;
  /** imagePullSecrets names before and after (when known). */
  before?: string[];
  after?: string[];
}

/**
 * The binding-specific part of a review: per write the reason, its effects, the JSON patch and the
 * imagePullSecrets list before → after; then the shared PlanReview (YAML / kubectl, secrets masked).
 */
export function PlanPreview({ items, testId = 'hc-binding-preview' }: { items: PreviewItem[]; testId?: string }) {
  const writes = items.map((i) => i.write);
  return (
    <div data-testid={testId}>
      {items.map((it, i) =>
        it.write.action === 'patch' || it.write.action === 'replace' ? (
          <div key={i} data-testid="hc-binding-change" style={{ padding: '8px 0', borderBottom: `1px dashed ${colors.border}` }}>
            <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
              <Tag color="secondary">{`${it.write.kind}/${it.write.name}`}</Tag>
              <span>{it.write.reason ? tr(it.write.reason.key, it.write.reason.params) : ''}</span>
              {(it.write.effects ?? []).includes('rolls-workload') ? (
                <Tag color="warning">{tr('HARBOR_CONNECT_EFFECT_ROLLS_WORKLOAD')}</Tag>
              ) : null}
            </div>
            {it.after ? (
              <div style={{ marginTop: 6, fontSize: 12 }} data-testid="hc-binding-result-list">
                <span style={{ color: colors.muted }}>{tr('HARBOR_CONNECT_PROJECT_LIST_BEFORE')} </span>
                <span style={{ fontFamily: 'Monaco, Menlo, Consolas, monospace', fontSize: 12 }}>{(it.before ?? []).join(', ') || '—'}</span>
                <span style={{ color: colors.muted, marginLeft: 12 }}>{tr('HARBOR_CONNECT_PROJECT_LIST_AFTER')} </span>
                <span style={{ fontFamily: 'Monaco, Menlo, Consolas, monospace', fontSize: 12 }} data-testid="hc-binding-after">{it.after.join(', ') || '—'}</span>
              </div>
            ) : null}
            {it.write.action === 'patch' ? (
              <pre style={{ ...codeStyle, maxHeight: 200, marginTop: 6 }} data-testid="hc-binding-patch">
                {`# ${it.write.patchType ?? 'strategic-merge'} patch\n${JSON.stringify(it.write.patch, null, 2)}`}
              </pre>
            ) : null}
          </div>
        ) : null,
      )}
      <div style={{ marginTop: 12 }}>
        <PlanReview writes={writes} fileName="harbor-connect-binding.yaml" />
      </div>
    </div>
  );
}
