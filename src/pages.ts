// Everything a page of ours needs: the page components, their provider and the pages' strings. The build compiles
// this module (and all it imports) into dist/pages.js (vite.config.ts, splitPages), which the start file fetches
// from the cluster and evaluates when a page of ours first renders (src/start/pages-loader.ts).
import { locales } from './i18n/locales';
import { setPageStrings } from './i18n/t';

export { page } from './components/ExtensionRoot';
export { RegistriesPage } from './features/registries/RegistriesPage';
export { RegistryDetailPage } from './features/registries/RegistryDetailPage';
export { ProjectRegistriesPage } from './features/project/ProjectRegistriesPage';
export { WorkspaceRegistriesPage } from './features/workspace/WorkspaceRegistriesPage';
export { WizardPage } from './features/wizard/WizardPage';

setPageStrings(locales);
