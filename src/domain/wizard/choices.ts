// The wizard's state reduced to what the plan is built from.
import { chosenTargets, parseAddress, projectsIn, type WizardState } from './state';
import type { WizardChoices } from './plan';

/**
 * One cluster's plan input (default: the wizard's own cluster), or undefined while the address does not parse.
 * `createdBy`: the console user, when known.
 */
export function choicesOf(state: WizardState, createdBy?: string, cluster: string = state.clusters[0] ?? ''): WizardChoices | undefined {
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
    projects: projectsIn(state, cluster),
    secretName: state.secretName,
    bindDefaultServiceAccount: state.bindDefaultServiceAccount,
    createdBy,
  };
}

/** The plan input of every chosen cluster: the same registry, credentials and secret name; each its own projects. */
export function clusterChoicesOf(state: WizardState, createdBy?: string): Array<{ cluster: string; choices: WizardChoices }> | undefined {
  const out: Array<{ cluster: string; choices: WizardChoices }> = [];
  for (const { cluster } of chosenTargets(state)) {
    const choices = choicesOf(state, createdBy, cluster);
    if (!choices) return undefined;
    out.push({ cluster, choices });
  }
  return out;
}
