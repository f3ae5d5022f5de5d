import type React from 'react';
import type { ClusterContext } from '../../../api';
import type { WizardAction, WizardState } from '../../../domain/wizard/state';

export interface StepProps {
  state: WizardState;
  dispatch: React.Dispatch<WizardAction>;
  cluster: ClusterContext;
}
