// The page module, evaluated on first use. This file is what tests and the type checker see: a static import.
// `vite build` replaces its contents (vite.config.ts, lazyPages) with a factory holding src/pages.ts compiled
// separately, so the console's start evaluates none of the pages' modules.
import * as pages from '../pages';

export type PagesModule = typeof pages;

export function loadPages(): PagesModule {
  return pages;
}
