// Public, multi-tenant registries. Automatic node trust writes a hosts.toml and a ca.crt for the registry's host on
// every node: for one of these it would override how every node reaches a registry everyone uses (a hosts.toml for
// docker.io sends every Docker Hub pull to `https://docker.io`, which serves no registry API), so it is refused.
// Their certificates are issued by public CAs that nodes already trust.

const EXACT = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'quay.io',
  'ghcr.io',
  'gcr.io',
  'k8s.gcr.io',
  'registry.k8s.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'registry.gitlab.com',
  'nvcr.io',
  'docker.elastic.co',
  'registry.access.redhat.com',
  'registry.redhat.io',
  'cgr.dev',
]);

/** Suffixes of public registries' regional hosts (us.gcr.io, europe-docker.pkg.dev). */
const SUFFIXES = ['.gcr.io', '-docker.pkg.dev', '.docker.io'];

/** Whether `host` (a host name, any case, with or without a port) is a public multi-tenant registry. */
export function isPublicRegistryHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split('/')[0]!.replace(/:\d+$/, '').replace(/\.$/, '');
  return EXACT.has(h) || SUFFIXES.some((s) => h.endsWith(s));
}
