import React from 'react';
import { Button } from '@kubed/components';
import { useQueryClient } from '@tanstack/react-query';
import { invalidateAfterApply, planExecutor, type ClusterContext } from '../../api';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { PlanReview } from '../../components/plan/PlanReview';
import { PreflightSummary, usePreflight } from '../../components/plan/usePreflight';
import type { Write, WriteOutcome } from '../../domain/plan/write';
import { tr } from '../../i18n/t';
import { colors } from '../../components/theme';

export interface PlannedWriteProps {
  cluster: ClusterContext;
  writes: Write[];
  onClose: () => void;
  testId: string;
  /** A statement the user must check before Apply (e.g. that deleted pods will not come back). */
  acknowledge?: string;
  /** After the apply, with each write's outcome (the cache is already being refreshed). */
  onFinished?: (outcomes: WriteOutcome[]) => void;
}

/** A planned write from a check ("allow egress", "create a Certificate", "restart these pods"): previewed, then applied on request. */
export function PlannedWrite({ cluster, writes, onClose, testId, acknowledge, onFinished }: PlannedWriteProps) {
  const qc = useQueryClient();
  const [applying, setApplying] = React.useState(false);
  const [done, setDone] = React.useState(false);
  const [acknowledged, setAcknowledged] = React.useState(false);
  const execute = React.useMemo(() => planExecutor(cluster), [cluster]);
  const preflight = usePreflight(cluster, writes);
  return (
    <div data-testid={testId} style={{ border: `1px solid ${colors.borderSoft}`, borderRadius: 4, padding: 12, margin: '8px 0', background: colors.panelBg }}>
      {writes.some((w) => w.effects?.includes('isolates-egress')) ? (
        <div style={{ color: colors.warning, marginBottom: 8 }}>{tr('HARBOR_CONNECT_HEALTH_EFFECT_ISOLATES_EGRESS')}</div>
      ) : null}
      {applying ? (
        <ApplyProgress
          writes={writes}
          execute={execute}
          onFinished={(outcomes) => {
            setDone(true);
            void invalidateAfterApply(qc, cluster.name, outcomes);
            onFinished?.(outcomes);
          }}
          testId={`${testId}-apply`}
        />
      ) : (
        <>
          <PreflightSummary preflight={preflight} />
          <PlanReview writes={writes} testId={`${testId}-review`} verdicts={preflight.verdicts} />
        </>
      )}
      {acknowledge && !applying ? (
        <label style={{ display: 'flex', gap: 8, alignItems: 'center', marginTop: 8, color: colors.warning }}>
          <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} data-testid={`${testId}-acknowledge`} />
          {acknowledge}
        </label>
      ) : null}
      <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
        {!applying ? (
          <Button color="secondary" shadow disabled={!preflight.ok || (!!acknowledge && !acknowledged)} onClick={() => setApplying(true)} data-testid={`${testId}-confirm`}>
            {tr('HARBOR_CONNECT_HEALTH_APPLY')}
          </Button>
        ) : null}
        <Button variant="outline" onClick={onClose} data-testid={`${testId}-close`}>
          {tr(done ? 'HARBOR_CONNECT_HEALTH_CLOSE' : 'HARBOR_CONNECT_HEALTH_CANCEL')}
        </Button>
      </div>
    </div>
  );
}
