import { describe, expect, it } from 'vitest';
import { choicesOf, clusterChoicesOf } from './choices';
import { chosenTargets, initialState, initialWizardState, wizardReducer, type WizardAction, type WizardState } from './state';

const filled = (patch: Partial<WizardState>): WizardState => ({ ...wizardReducer(initialWizardState('host'), { type: 'address', value: 'harbor.example.com:8443' }), ...patch });

describe('choicesOf', () => {
  it('nothing to plan while the address does not parse', () => {
    expect(choicesOf({ ...initialState, address: 'not a host!' })).toBeUndefined();
  });

  it('a custom CA carries its PEM and trust mode; a public CA means no CA and no node trust', () => {
    const custom = choicesOf(filled({ caChoice: 'custom', caText: 'PEM', trustMode: 'manual', username: 'u', password: 'p', projects: { host: ['demo'] } }), 'admin');
    expect(custom).toMatchObject({ caPem: 'PEM', trustMode: 'manual', username: 'u', password: 'p', projects: ['demo'], createdBy: 'admin', rawAddress: 'harbor.example.com:8443' });
    expect(custom?.address.authority).toBe('harbor.example.com:8443');
    const pub = choicesOf(filled({ caChoice: 'public', caText: 'PEM', trustMode: 'automatic' }));
    expect(pub).toMatchObject({ caPem: undefined, trustMode: 'none', createdBy: undefined });
  });

  it('an empty email is left out', () => {
    expect(choicesOf(filled({ email: '' }))?.email).toBeUndefined();
    expect(choicesOf(filled({ email: 'a@b.c' }))?.email).toBe('a@b.c');
  });
});

describe('prefillActions', () => {
  it('fills the wizard from the record and the projects holding its pull secrets (not the record itself)', async () => {
    const { prefillActions } = await import('./prefill');
    const record = { id: 'r', name: 'hc-registry-r', namespace: 'extension-harbor-connect', serverKey: 'harbor.example.com', address: 'harbor.example.com', displayName: 'Harbor', kind: 'harbor' as const, trustMode: 'manual' as const, insecure: false };
    const copies = [
      { metadata: { name: 'hc-registry-r', namespace: 'extension-harbor-connect', labels: { 'app.kubernetes.io/component': 'registry-record' } } },
      { metadata: { name: 'harbor-pull', namespace: 'demo-2' } },
      { metadata: { name: 'harbor-pull', namespace: 'demo' } },
    ];
    const state = prefillActions(record, copies, 'host').reduce(wizardReducer, initialWizardState('host'));
    expect(state).toMatchObject({ address: 'harbor.example.com', displayName: 'Harbor', caChoice: 'public', trustMode: 'manual', projects: { host: ['demo', 'demo-2'] }, secretName: 'harbor-pull' });
  });
});

describe('several clusters', () => {
  const run = (actions: WizardAction[], from = filled({})) => actions.reduce(wizardReducer, from);

  it('the wizard\'s own cluster is chosen from the start and cannot be dropped; another leaves with its projects', () => {
    expect(initialWizardState('host').clusters).toEqual(['host']);
    const s = run([
      { type: 'toggleCluster', cluster: 'member-1', on: true },
      { type: 'setProjects', cluster: 'member-1', names: ['web', 'api'], on: true },
      { type: 'toggleProject', cluster: 'host', name: 'demo', on: true },
      { type: 'toggleCluster', cluster: 'host', on: false },
    ]);
    expect(chosenTargets(s)).toEqual([
      { cluster: 'host', projects: ['demo'] },
      { cluster: 'member-1', projects: ['api', 'web'] },
    ]);
    const dropped = run([{ type: 'toggleCluster', cluster: 'member-1', on: false }], s);
    expect(chosenTargets(dropped)).toEqual([{ cluster: 'host', projects: ['demo'] }]);
    // Chosen again, it starts empty: nothing chosen earlier comes back unseen.
    expect(chosenTargets(run([{ type: 'toggleCluster', cluster: 'member-1', on: true }], dropped))[1]).toEqual({ cluster: 'member-1', projects: [] });
  });

  it('one plan input per cluster: the same registry and credentials, each with its own projects', () => {
    const s = run([
      { type: 'credentials', patch: { username: 'u', password: 'p' } },
      { type: 'toggleCluster', cluster: 'member-1', on: true },
      { type: 'toggleProject', cluster: 'member-1', name: 'web', on: true },
      { type: 'toggleProject', cluster: 'host', name: 'demo', on: true },
    ]);
    const per = clusterChoicesOf(s, 'admin')!;
    expect(per.map((p) => [p.cluster, p.choices.projects, p.choices.username, p.choices.address.serverKey])).toEqual([
      ['host', ['demo'], 'u', 'harbor.example.com:8443'],
      ['member-1', ['web'], 'u', 'harbor.example.com:8443'],
    ]);
  });

  it('reset keeps the wizard\'s own cluster and nothing else', () => {
    const s = run([{ type: 'toggleCluster', cluster: 'member-1', on: true }, { type: 'reset' }]);
    expect(s).toEqual(initialWizardState('host'));
    void initialState;
  });
});
