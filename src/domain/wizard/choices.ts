// The wizard's state reduced to what the plan is built from.
import { parseAddress, type WizardState } from './state';
import type { WizardChoices } from './plan';

/** The plan's input, or undefined while the address does not parse. `createdBy`: the console user, when known. */
export function choicesOf(state: WizardState, createdBy?: string): WizardChoices | undefined {
  const addr = parseAddress(state);
  if (!addr.ok) return undefined;
  return {
    address: addr.value,
    rawAddress: state.address,
    displayName: state.displayName,
    caPem: state.caChoice === 'custom' ? state.caText : undefined,
    trustMode: state.caChoice === 'custom' ? state.trustMode : 'none',
    kind: state.kind,
    username: state.username,
    password: state.password,
    email: state.email || undefined,
    projects: state.projects,
    secretName: state.secretName,
    bindDefaultServiceAccount: state.bindDefaultServiceAccount,
    createdBy,
  };
}
