// What blocks "Next" on each step, as translated sentences.
import { tr } from '../../i18n/t';
import { validateDns1123Label } from '../../domain/names';
import { validateCredential } from '../../domain/dockerconfig';
import { parseAddress, STEPS, type WizardState } from './state';

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
        if (!state.caText.trim() || !state.inspection) out.push(tr('HARBOR_CONNECT_WIZARD_CERT_REQUIRED'));
        else if (state.inspection.findings.some((f) => f.severity === 'error')) out.push(tr('HARBOR_CONNECT_WIZARD_CERT_HAS_ERRORS'));
      }
      break;
    case 'credentials':
      for (const c of validateCredential({ username: state.username, password: state.password })) {
        out.push(tr(`HARBOR_CONNECT_WIZARD_CRED_ERR_${c.toUpperCase().replace(/-/g, '_')}`));
      }
      if (state.email && !/^[^\s@]+@[^\s@]+$/.test(state.email)) out.push(tr('HARBOR_CONNECT_WIZARD_CRED_ERR_EMAIL'));
      if (state.probe?.state === 'unauthorized' || state.pullTest?.diagnosis?.cause === 'unauthorized' || state.verify?.state === 'unauthorized') {
        out.push(tr('HARBOR_CONNECT_WIZARD_CRED_ERR_REJECTED'));
      }
      break;
    case 'projects':
      if (!state.projects.length) out.push(tr('HARBOR_CONNECT_WIZARD_PROJECTS_REQUIRED'));
      for (const e of validateDns1123Label(state.secretName)) out.push(`${tr('HARBOR_CONNECT_WIZARD_SECRET_NAME')}: ${e.message}`);
      break;
    default:
      break;
  }
  return out;
}
