// What blocks "Next" on each step, as translated sentences: the checks are src/domain/wizard/validate.ts.
import { tr } from '../../i18n/t';
import { addressError, type StepError } from '../../domain/wizard/validate';
import type { WizardState } from '../../domain/wizard/state';

export function stepErrorText(e: StepError): string {
  const text = tr(e.key, e.params);
  return e.detail === undefined ? text : `${text}: ${e.detail}`;
}

export function addressErrorText(state: Pick<WizardState, 'address' | 'insecure'>): string | undefined {
  const e = addressError(state);
  return e && stepErrorText(e);
}
