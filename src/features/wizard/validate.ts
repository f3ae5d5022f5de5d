// What blocks "Next" on each step, as translated sentences.
import { tr } from '../../i18n/t';
import { validateDns1123Label } from '../../domain/names';
import { validateCredential } from '../../domain/dockerconfig';
import { isPublicRegistryHost } from '../../domain/registry';
import { chosenTargets, parseAddress, STEPS, type WizardState } from '../../domain/wizard/state';
import { credentialVerdict } from '../../domain/wizard/verdict';

export function addressErrorText(state: Pick<WizardState, 'address' | 'insecure'>): string | undefined {
  const r = parseAddress(state);
  if (r.ok) return undefined;
  const key = `HARBOR_CONNECT_WIZARD_ADDR_ERR_${r.error.toUpperCase().replace(/-/g, '_')}`;
  return tr(key, { suggestion: r.suggestion ?? '', part: r.part ?? '' });
}

export function stepErrors(state: WizardState, step: number = state.step): string[] {
  const id = STEPS[step];
  const out: string[] = [];
  switch (id) {
    case 'registry': {
      const e = addressErrorText(state);
      if (e) out.push(e);
      break;
    }
    case 'certificate':
      if (state.caChoice === 'custom') {
        if (!state.caText.trim()) out.push(tr('HARBOR_CONNECT_WIZARD_CERT_REQUIRED'));
        else if (!state.inspection || state.inspectedText !== state.caText) out.push(tr('HARBOR_CONNECT_WIZARD_CERT_CHECKING'));
        else if (state.inspection.findings.some((f) => f.severity === 'error')) out.push(tr('HARBOR_CONNECT_WIZARD_CERT_HAS_ERRORS'));
      }
      break;
    case 'trust': {
      const a = parseAddress(state);
      if (state.caChoice === 'custom' && state.trustMode === 'automatic' && a.ok && isPublicRegistryHost(a.value.host)) {
        out.push(tr('HARBOR_CONNECT_WIZARD_TRUST_PUBLIC_REFUSED', { host: a.value.authority }));
      }
      break;
    }
    case 'credentials':
      for (const c of validateCredential({ username: state.username, password: state.password })) {
        out.push(tr(`HARBOR_CONNECT_WIZARD_CRED_ERR_${c.toUpperCase().replace(/-/g, '_')}`));
      }
      if (state.email && !/^[^\s@]+@[^\s@]+$/.test(state.email)) out.push(tr('HARBOR_CONNECT_WIZARD_CRED_ERR_EMAIL'));
      if (state.probe?.state === 'unauthorized' || state.pullTest?.diagnosis?.cause === 'unauthorized' || state.verify?.state === 'unauthorized') {
        out.push(tr('HARBOR_CONNECT_WIZARD_CRED_ERR_REJECTED'));
      } else if (!out.length && credentialVerdict(state).state !== 'accepted' && !state.writeUnverified) {
        // Credentials no check accepted are written only by an explicit choice (issue 13: verification is not optional).
        out.push(tr('HARBOR_CONNECT_WIZARD_CRED_ERR_UNVERIFIED'));
      }
      break;
    case 'projects':
      // Every chosen cluster needs a project: its pull secret lives there, and its proof pull runs there.
      for (const t of chosenTargets(state)) {
        if (t.projects.length) continue;
        out.push(state.clusters.length > 1 ? tr('HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED_IN', { cluster: t.cluster }) : tr('HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED'));
      }
      for (const e of validateDns1123Label(state.secretName)) out.push(`${tr('HARBOR_CONNECT_WIZARD_SECRET_NAME')}: ${e.message}`);
      break;
    default:
      break;
  }
  return out;
}

/**
 * The step a click on a step header may open: going back is always allowed; going forward stops at the first
 * step on the way that has errors (a step already reached can have become invalid since), so a header never
 * skips a step's checks. buildWizardPlan re-checks everything anyway.
 */
export function gateStep(state: WizardState, target: number): number {
  if (target <= state.step) return target;
  for (let i = 0; i < target; i++) if (stepErrors(state, i).length) return i;
  return target;
}
