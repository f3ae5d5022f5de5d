// What the extension registers with the console at start: the menu titles, the strings the page stand-ins show
// while the pages load or when they cannot (locales/<lang>/start.json), and the key that tells tr() which language
// the console's i18next resolved (src/i18n/t.ts). Every other string is in the pages (dist/pages.js).
import { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES as enMenu } from '../../locales/en/common.json';
import { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES as zhMenu } from '../../locales/zh/common.json';
import enStart from '../../locales/en/start.json';
import zhStart from '../../locales/zh/start.json';
import { LANG_KEY } from './t';

export const startLocales = {
  en: { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: enMenu, ...enStart, [LANG_KEY]: 'en' },
  zh: { HARBOR_CONNECT_MENU_IMAGE_REGISTRIES: zhMenu, ...zhStart, [LANG_KEY]: 'zh' },
};

export type StartKey = keyof typeof enStart;
