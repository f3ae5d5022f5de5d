// The extension's entry: KubeSphere 4.1+ takes this default export (System.import(...).default).
// Evaluating this module defines routes, menus and locales and nothing else: no request, no render.
import { buildRoutes, menus } from './features/routes';
import { locales } from './i18n/locales';

const extension = {
  routes: buildRoutes(),
  menus,
  locales,
};

export default extension;
