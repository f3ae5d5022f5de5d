import React from 'react';
import { Button, Card, Empty } from '@kubed/components';
import { Docker } from '@kubed/icons';
import { colors } from './theme';

export interface EmptyStateProps {
  title: string;
  description?: string;
  actionLabel?: string;
  onAction?: () => void;
  actionDisabled?: boolean;
  /** Shown under the button when it is disabled, e.g. why. */
  actionHint?: string;
  testId?: string;
}

/** A card with the Empty illustration, a title, a description and at most one action. */
export function EmptyState(props: EmptyStateProps) {
  return (
    <Card style={{ marginTop: 12 }} data-testid={props.testId}>
      <Empty image={<Docker size={48} />} title={props.title} description={props.description}>
        {props.actionLabel ? (
          <div style={{ marginTop: 16, textAlign: 'center' }}>
            <Button color="secondary" shadow onClick={props.onAction} disabled={props.actionDisabled} data-testid="hc-add-registry">
              {props.actionLabel}
            </Button>
            {props.actionDisabled && props.actionHint ? (
              <div style={{ marginTop: 8, color: colors.muted, fontSize: 12 }}>{props.actionHint}</div>
            ) : null}
          </div>
        ) : null}
      </Empty>
    </Card>
  );
}
