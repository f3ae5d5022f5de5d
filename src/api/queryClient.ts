// The extension's own TanStack Query v4 client. The host ships react-query v3 with its own context;
// this client is separate, created on first render (not at registration), and shared by all pages.
import { notifyManager, QueryClient } from '@tanstack/react-query';
import { unstable_batchedUpdates } from 'react-dom';
import { ApiError } from './errors';

let client: QueryClient | undefined;

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError) {
    if (error.kind === 'canceled') return false;
    // 4xx answers will not change by asking again (except 429, which says "later").
    if (error.code >= 400 && error.code < 500 && error.code !== 429) return false;
  }
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 10_000,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

export function getQueryClient(): QueryClient {
  if (!client) {
    // TanStack Query v4 sets this in a module its package.json wrongly marks side-effect free, so bundlers
    // drop it. Without it React 17 (KubeSphere 4.1) renders once per cache notification instead of batching.
    notifyManager.setBatchNotifyFunction(unstable_batchedUpdates);
    client = createQueryClient();
  }
  return client;
}

/** For tests. */
export function resetQueryClient(): void {
  client?.clear();
  client = undefined;
}
