// The console's signed-in user: recorded as the creator of what the extension creates (the wizard's plan, the
// project page's credentials), as the console's own forms write kubesphere.io/creator.

/** `globals.user.username`, or undefined outside the console (tests) or when the console does not say. */
export function consoleUser(): string | undefined {
  const user = typeof globals !== 'undefined' ? globals?.user?.username : undefined;
  return typeof user === 'string' && user ? user : undefined;
}
