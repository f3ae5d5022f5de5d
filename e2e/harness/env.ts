// Where the e2e lab lives and how its browser starts (shared by playwright.config.ts and the harness).
export const CHROMIUM_PATH = process.env.HC_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function consolePort(): number {
  return Number(process.env.HC_CONSOLE_PORT || 8000);
}

export function consoleBaseUrl(): string {
  return `http://localhost:${consolePort()}`;
}
