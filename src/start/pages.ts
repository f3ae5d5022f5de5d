// Stand-ins for the pages, for the routes registered at start (src/features/routes.ts). The first one rendered
// starts loading the pages (src/start/pages-loader.ts); each shows the console's spinner meanwhile, a translated
// error with its remedy if the pages cannot be had, and then the real page inside the extension's provider.
import React from 'react';
import { Alert, Button, Loading } from '@kubed/components';
import type { StartKey } from '../i18n/start-locales';
import { pagesSource, type PagesModule } from './load-pages';
import { createPagesLoader, type PagesFailure, type PagesLoader } from './pages-loader';

type PageName = 'RegistriesPage' | 'RegistryDetailPage' | 'ProjectRegistriesPage' | 'WorkspaceRegistriesPage' | 'WizardPage';

/** The console's i18next, which knows the start strings (src/i18n/start-locales.ts); the key outside a console. */
const startT = (key: StartKey): string => (typeof t === 'function' ? t(key) : key);

const FAILURE_TEXT: Record<PagesFailure['kind'], StartKey> = {
  'signed-out': 'HARBOR_CONNECT_PAGES_SIGNED_OUT',
  forbidden: 'HARBOR_CONNECT_PAGES_FORBIDDEN',
  missing: 'HARBOR_CONNECT_PAGES_MISSING',
  stale: 'HARBOR_CONNECT_PAGES_STALE',
  unreachable: 'HARBOR_CONNECT_PAGES_UNREACHABLE',
  broken: 'HARBOR_CONNECT_PAGES_BROKEN',
};

function PagesFailureAlert({ failure, onRetry }: { failure: PagesFailure; onRetry(): void }) {
  const h = React.createElement;
  // A new version or a broken evaluation needs a fresh console page; the rest may pass (a role, a restart).
  const reload = failure.kind === 'stale' || failure.kind === 'broken';
  return h(
    'div',
    { style: { padding: 20 } },
    h(Alert, {
      type: 'error',
      title: startT('HARBOR_CONNECT_PAGES_FAILED'),
      'data-testid': 'hc-pages-failed',
      'data-failure': failure.kind,
      children: h(
        React.Fragment,
        null,
        h('div', null, startT(FAILURE_TEXT[failure.kind])),
        'detail' in failure ? h('div', { style: { marginTop: 8, fontFamily: 'monospace' } }, failure.detail) : null,
        h(
          Button,
          { style: { marginTop: 12 }, onClick: reload ? () => window.location.reload() : onRetry },
          startT(reload ? 'HARBOR_CONNECT_PAGES_RELOAD' : 'HARBOR_CONNECT_PAGES_RETRY'),
        ),
      ),
    }),
  );
}

/** A page that renders the real one once `loader` has the pages. Exported for its test; the routes use the ones below. */
export function lazyPage(name: PageName, loader: PagesLoader): React.ComponentType {
  let real: { pages: PagesModule; Component: React.ComponentType } | undefined;
  const Page = (props: object) => {
    const [, rerender] = React.useReducer((n: number) => n + 1, 0);
    const state = loader.state();
    React.useEffect(() => {
      const unsubscribe = loader.subscribe(rerender);
      // It may have changed between this render and the subscription.
      if (loader.state() !== state) rerender();
      return unsubscribe;
    }, [state]);
    if (state.status === 'ready') {
      if (real?.pages !== state.pages) real = { pages: state.pages, Component: state.pages.page(state.pages[name] as React.ComponentType) };
      return React.createElement(real.Component, props);
    }
    if (state.status === 'failed') return React.createElement(PagesFailureAlert, { failure: state.failure, onRetry: loader.start });
    loader.start();
    return React.createElement(
      'div',
      { style: { padding: 40, textAlign: 'center' }, role: 'status', 'aria-label': startT('HARBOR_CONNECT_PAGES_LOADING'), 'data-testid': 'hc-pages-loading' },
      React.createElement(Loading, { size: 32 }),
    );
  };
  Page.displayName = `HarborConnectPage(${name})`;
  return Page;
}

const loader = createPagesLoader(pagesSource);

export const RegistriesPage = lazyPage('RegistriesPage', loader);
export const RegistryDetailPage = lazyPage('RegistryDetailPage', loader);
export const ProjectRegistriesPage = lazyPage('ProjectRegistriesPage', loader);
export const WorkspaceRegistriesPage = lazyPage('WorkspaceRegistriesPage', loader);
export const WizardPage = lazyPage('WizardPage', loader);

/** The stand-ins already wrap the real page in the extension's provider. */
export function page<P extends object>(Component: React.ComponentType<P>): React.ComponentType<P> {
  return Component;
}
