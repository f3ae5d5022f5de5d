// Stand-ins for the pages, for the routes registered at start (src/features/routes.ts). Each evaluates the page
// module on its first render (src/start/load-pages.ts) and renders the real page inside the extension's provider.
import React from 'react';
import { loadPages, type PagesModule } from './load-pages';

type PageName = 'RegistriesPage' | 'RegistryDetailPage' | 'ProjectRegistriesPage' | 'WorkspaceRegistriesPage' | 'WizardPage';

function lazyPage(name: PageName): React.ComponentType {
  let Real: React.ComponentType | undefined;
  const Page = (props: object) => {
    if (!Real) {
      const m: PagesModule = loadPages();
      Real = m.page(m[name] as React.ComponentType);
    }
    return React.createElement(Real, props);
  };
  Page.displayName = `HarborConnectPage(${name})`;
  return Page;
}

export const RegistriesPage = lazyPage('RegistriesPage');
export const RegistryDetailPage = lazyPage('RegistryDetailPage');
export const ProjectRegistriesPage = lazyPage('ProjectRegistriesPage');
export const WorkspaceRegistriesPage = lazyPage('WorkspaceRegistriesPage');
export const WizardPage = lazyPage('WizardPage');

/** The stand-ins already wrap the real page in the extension's provider. */
export function page<P extends object>(Component: React.ComponentType<P>): React.ComponentType<P> {
  return Component;
}
