// The wizard's state: one reducer, in memory only (never localStorage, sessionStorage or the URL: it holds a
// password). Going back and forth keeps every field; closing the wizard resets it.
import { normalizeRegistryAddress, type NormalizeResult } from '../registry';
import type { InspectionResult } from '../cert';
import type { RegistryKind, TrustMode } from '../record';
import { suggestSecretName } from '../names';
import type { ProbeResult, PullTestOutcome, VerifyResult } from './results';

export const STEPS = ['registry', 'certificate', 'trust', 'credentials', 'projects', 'review', 'apply'] as const;
export type StepId = (typeof STEPS)[number];

export interface WizardState {
  step: number;
  address: string;
  insecure: boolean;
  displayName: string;
  /** True once the user edited the display name: it then stops following the host. */
  displayNameTouched: boolean;
  /** 'custom': a private CA is given; 'public': publicly trusted, no CA. */
  caChoice: 'custom' | 'public';
  caText: string;
  caFileName?: string;
  inspection?: InspectionResult;
  /** The CA text `inspection` was made from (inspection runs once typing pauses). */
  inspectedText?: string;
  trustMode: 'automatic' | 'manual';
  username: string;
  password: string;
  email: string;
  verify?: VerifyResult;
  probe?: ProbeResult;
  /** The explicit choice to write credentials no check accepted (reset whenever the credentials change). */
  writeUnverified: boolean;
  pullTest?: PullTestOutcome;
  kind?: RegistryKind;
  /**
   * Where the registry goes: the chosen clusters, the wizard's own cluster (the page's) first, and the projects
   * chosen in each. Node trust and the registry record land in every chosen cluster.
   */
  clusters: string[];
  projects: Record<string, string[]>;
  secretName: string;
  secretNameTouched: boolean;
  bindDefaultServiceAccount: boolean;
}

export const initialState: WizardState = {
  step: 0,
  address: '',
  insecure: false,
  displayName: '',
  displayNameTouched: false,
  caChoice: 'custom',
  caText: '',
  trustMode: 'automatic',
  username: '',
  password: '',
  email: '',
  writeUnverified: false,
  clusters: [],
  projects: {},
  secretName: '',
  secretNameTouched: false,
  bindDefaultServiceAccount: true,
};

export type WizardAction =
  | { type: 'set'; patch: Partial<WizardState> }
  | { type: 'address'; value: string }
  | { type: 'insecure'; value: boolean }
  | { type: 'displayName'; value: string }
  | { type: 'secretName'; value: string }
  | { type: 'credentials'; patch: Partial<Pick<WizardState, 'username' | 'password' | 'email'>> }
  | { type: 'toggleCluster'; cluster: string; on: boolean }
  | { type: 'toggleProject'; cluster: string; name: string; on: boolean }
  | { type: 'setProjects'; cluster: string; names: string[]; on: boolean }
  | { type: 'go'; step: number }
  | { type: 'reset' };

/** The wizard opened on `cluster`'s page: that cluster is chosen, and stays first. */
export function initialWizardState(cluster: string): WizardState {
  return { ...initialState, clusters: cluster ? [cluster] : [] };
}

/** The projects chosen in one cluster (none when the cluster is not chosen). */
export function projectsIn(state: Pick<WizardState, 'projects'>, cluster: string): string[] {
  return state.projects[cluster] ?? [];
}

/** Each chosen cluster with its chosen projects, in the order the clusters were chosen. */
export function chosenTargets(state: Pick<WizardState, 'clusters' | 'projects'>): Array<{ cluster: string; projects: string[] }> {
  return state.clusters.map((cluster) => ({ cluster, projects: projectsIn(state, cluster) }));
}

function withProjects(state: WizardState, cluster: string, names: readonly string[], on: boolean): WizardState {
  const set = new Set(projectsIn(state, cluster));
  for (const n of names) {
    if (on) set.add(n);
    else set.delete(n);
  }
  return { ...state, projects: { ...state.projects, [cluster]: [...set].sort() } };
}

export function parseAddress(state: Pick<WizardState, 'address' | 'insecure'>): NormalizeResult {
  return normalizeRegistryAddress(state.address, { allowInsecure: state.insecure });
}

function followHost(s: WizardState): WizardState {
  const r = parseAddress(s);
  if (!r.ok) return s;
  return {
    ...s,
    displayName: s.displayNameTouched ? s.displayName : r.value.displayName,
    secretName: s.secretNameTouched ? s.secretName : suggestSecretName(r.value.authority),
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'set':
      return { ...state, ...action.patch };
    case 'address':
      // A new address invalidates every check made against the old one.
      return followHost({ ...state, address: action.value, verify: undefined, probe: undefined, pullTest: undefined, kind: undefined });
    case 'insecure':
      return followHost({ ...state, insecure: action.value });
    case 'displayName':
      return { ...state, displayName: action.value, displayNameTouched: action.value !== '' };
    case 'secretName':
      return { ...state, secretName: action.value, secretNameTouched: true };
    case 'credentials':
      return { ...state, ...action.patch, verify: undefined, probe: undefined, pullTest: undefined, writeUnverified: false };
    case 'toggleCluster': {
      // The wizard's own cluster stays chosen; another one leaves with its projects.
      if (action.on) return state.clusters.includes(action.cluster) ? state : { ...state, clusters: [...state.clusters, action.cluster] };
      if (action.cluster === state.clusters[0]) return state;
      const { [action.cluster]: dropped, ...projects } = state.projects;
      void dropped;
      return { ...state, clusters: state.clusters.filter((c) => c !== action.cluster), projects };
    }
    case 'toggleProject':
      return withProjects(state, action.cluster, [action.name], action.on);
    case 'setProjects':
      return withProjects(state, action.cluster, action.names, action.on);
    case 'go':
      return { ...state, step: Math.max(0, Math.min(STEPS.length - 1, action.step)) };
    case 'reset':
      return initialWizardState(state.clusters[0] ?? '');
    default:
      return state;
  }
}

export type TrustChoice = TrustMode;
