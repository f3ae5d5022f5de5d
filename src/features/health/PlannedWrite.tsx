import React from 'react';
import { Button } from '@kubed/components';
import { useQueryClient } from '@tanstack/react-query';
import { invalidateAfterApply, planExecutor, type ClusterContext } from '../../api';
import { ApplyProgress } from '../../components/plan/ApplyProgress';
import { PlanReview } from '../../components/plan/PlanReview';
import { PreflightSummary, usePreflight } from '../../components/plan/usePreflight';
import type { Write } from '../../domain/plan/write';
import { tr } from '../../i18n/t';
import { colors } from '../../components/theme';

/** A planned write from a check ("allow egress", "create a Certificate"): previewed, then applied on request. */
export function PlannedWrite({ cluster, writes, onClose, testId }: { cluster: ClusterContext; writes: Write[]; onClose: () => void; testId: string }) {
  const qc = useQueryClient();
  const [applying, setApplying] = React.useState(false);
  const [done, setDone] = React.useState(false);
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
          }}
          testId={`${testId}-apply`}
        />
      ) : (
        <>
          <PreflightSummary preflight={preflight} />
          <PlanReview writes={writes} testId={`${testId}-review`} verdicts={preflight.verdicts} />
        </>
      )}
      <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
        {!applying ? (
          <Button color="secondary" shadow disabled={!preflight.ok} onClick={() => setApplying(true)} data-testid={`${testId}-confirm`}>
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
