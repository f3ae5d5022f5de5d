// What blocks "Next" on each step, as data: a locale key with its params (the UI translates it:
// src/features/wizard/validate.ts).
import { validateDns1123Label } from '../names';
import { validateCredential } from '../dockerconfig';
import { isPublicRegistryHost } from '../registry';
import { chosenTargets, parseAddress, STEPS, type WizardState } from './state';
import { credentialVerdict } from './verdict';

export interface StepError {
  key: string;
  params?: Record<string, string | number>;
  /** Untranslated text shown after the translated one ("<key>: <detail>"): a name rule's own message. */
  detail?: string;
}

/** Why the address cannot be used, or undefined when it can. */
export function addressError(state: Pick<WizardState, 'address' | 'insecure'>): StepError | undefined {
  const r = parseAddress(state);
  if (r.ok) return undefined;
  return { key: `HARBOR_CONNECT_WIZARD_ADDR_ERR_${r.error.toUpperCase().replace(/-/g, '_')}`, params: { suggestion: r.suggestion ?? '', part: r.part ?? '' } };
}

export function stepErrors(state: WizardState, step: number = state.step): StepError[] {
  const id = STEPS[step];
  const out: StepError[] = [];
  switch (id) {
    case 'registry': {
      const e = addressError(state);
      if (e) out.push(e);
      break;
    }
    case 'certificate':
      if (state.caChoice === 'custom') {
        if (!state.caText.trim()) out.push({ key: 'HARBOR_CONNECT_WIZARD_CERT_REQUIRED' });
        else if (!state.inspection || state.inspectedText !== state.caText) out.push({ key: 'HARBOR_CONNECT_WIZARD_CERT_CHECKING' });
        else if (state.inspection.findings.some((f) => f.severity === 'error')) out.push({ key: 'HARBOR_CONNECT_WIZARD_CERT_HAS_ERRORS' });
      }
      break;
    case 'trust': {
      const a = parseAddress(state);
      if (state.caChoice === 'custom' && state.trustMode === 'automatic' && a.ok && isPublicRegistryHost(a.value.host)) {
        out.push({ key: 'HARBOR_CONNECT_WIZARD_TRUST_PUBLIC_REFUSED', params: { host: a.value.authority } });
      }
      break;
    }
    case 'credentials':
      for (const c of validateCredential({ username: state.username, password: state.password })) {
        out.push({ key: `HARBOR_CONNECT_WIZARD_CRED_ERR_${c.toUpperCase().replace(/-/g, '_')}` });
      }
      if (state.email && !/^[^\s@]+@[^\s@]+$/.test(state.email)) out.push({ key: 'HARBOR_CONNECT_WIZARD_CRED_ERR_EMAIL' });
      if (state.probe?.state === 'unauthorized' || state.pullTest?.diagnosis?.cause === 'unauthorized' || state.verify?.state === 'unauthorized') {
        out.push({ key: 'HARBOR_CONNECT_WIZARD_CRED_ERR_REJECTED' });
      } else if (!out.length && credentialVerdict(state).state !== 'accepted' && !state.writeUnverified) {
        // Credentials no check accepted are written only by an explicit choice (issue 13: verification is not optional).
        out.push({ key: 'HARBOR_CONNECT_WIZARD_CRED_ERR_UNVERIFIED' });
      }
      break;
    case 'projects':
      // Every chosen cluster needs a project: its pull secret lives there, and its proof pull runs there.
      for (const t of chosenTargets(state)) {
        if (t.projects.length) continue;
        out.push(state.clusters.length > 1 ? { key: 'HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED_IN', params: { cluster: t.cluster } } : { key: 'HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED' });
      }
      for (const e of validateDns1123Label(state.secretName)) out.push({ key: 'HARBOR_CONNECT_WIZARD_SECRET_NAME', detail: e.message });
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
