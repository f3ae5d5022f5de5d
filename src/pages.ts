// Everything a page of ours needs: the page components, their provider and the pages' strings. In the built
// bundle this module (and all it imports) is compiled into a factory that runs when a page of ours first renders
// (vite.config.ts, lazyPages), not when the console loads the extension: src/start/load-pages.ts.
import { locales } from './i18n/locales';
import { setPageStrings } from './i18n/t';

export { page } from './components/ExtensionRoot';
export { RegistriesPage } from './features/registries/RegistriesPage';
export { RegistryDetailPage } from './features/registries/RegistryDetailPage';
export { ProjectRegistriesPage } from './features/project/ProjectRegistriesPage';
export { WorkspaceRegistriesPage } from './features/workspace/WorkspaceRegistriesPage';
export { WizardPage } from './features/wizard/WizardPage';

setPageStrings(locales);
