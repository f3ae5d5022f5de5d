// Where the pages come from. This file is what tests, the type checker and `vite build`'s start module see: the
// pages linked in by a static import. `vite build` replaces its contents (vite.config.ts, splitPages) with the
// build id of dist/pages.js and the function that evaluates it, so the start file holds none of the pages' code.
import * as linked from '../pages';

export type PagesModule = typeof linked;

/** Linked (tests, tsc), or built apart: its SHA-256 and how to evaluate the code fetched from the cluster. */
export type PagesSource = { linked: PagesModule } | { build: string; evaluate(code: string): PagesModule };

export const pagesSource: PagesSource = { linked };
