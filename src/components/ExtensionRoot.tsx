import React from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { getQueryClient } from '../api/queryClient';

/**
 * Every page renders inside this: the extension's own TanStack Query client (v4; the host's
 * react-query v3 context is a different one), created on first render, not at registration.
 */
export function ExtensionRoot({ children }: { children?: React.ReactNode }) {
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}

/** Wraps a page component so the route element needs no provider of its own. */
export function page<P extends object>(Component: React.ComponentType<P>): React.ComponentType<P> {
  const Wrapped = (props: P) => (
    <ExtensionRoot>
      <Component {...props} />
    </ExtensionRoot>
  );
  Wrapped.displayName = `HarborConnect(${Component.displayName || Component.name || 'Page'})`;
  return Wrapped;
}
