// The extension's entry: KubeSphere 4.1+ takes this default export (System.import(...).default).
// Evaluating this module defines routes, menus and the menu titles and nothing else: no request, no render.
// The pages and their strings are evaluated when a page of ours first renders (src/start/pages.ts).
import { buildRoutes, menus } from './features/routes';
import { startLocales as locales } from './i18n/start-locales';

const extension = {
  routes: buildRoutes(),
  menus,
  locales,
};

export default extension;
