// Turning a pull-failure message (kubelet, CRI, containerd, docker, Go's TLS and net packages) into a cause.
// Unrecognised text is `unknown`: the raw message is shown instead of a wrong guess.

export type PullFailureCause =
  | 'unknown-authority'
  | 'legacy-cn'
  | 'hostname-mismatch'
  | 'ip-san-missing'
  | 'cert-expired'
  | 'unauthorized'
  | 'denied'
  | 'not-found'
  | 'timeout'
  | 'connection-refused'
  | 'dns'
  | 'http-vs-https'
  | 'rate-limited'
  /** No route to host, network unreachable, connection reset: the path to the registry is broken but not timing out. */
  | 'network-error'
  | 'unknown';

/**
 * `pull-secret-unavailable`: the kubelet pulled without the pod's pull secret because it could not read it (the
 * Secret does not exist in the pod's namespace, or the kubelet's secret cache has not synced it yet), so the
 * registry's "unauthorized" says nothing about the credential itself.
 */
export type PullCause = PullFailureCause | 'pull-secret-unavailable' | 'ok' | 'pending';

export const PULL_CAUSES: readonly PullCause[] = [
  'unknown-authority',
  'legacy-cn',
  'hostname-mismatch',
  'ip-san-missing',
  'cert-expired',
  'unauthorized',
  'denied',
  'not-found',
  'timeout',
  'connection-refused',
  'dns',
  'http-vs-https',
  'rate-limited',
  'network-error',
  'pull-secret-unavailable',
  'ok',
  'pending',
  'unknown',
];

export interface Classification {
  cause: PullFailureCause;
  /** Values for the fix text: names, wanted, ip, currentTime, notAfter/notBefore, address, lookup, endpoint... */
  detail: Record<string, string>;
  /**
   * Other causes the same text is also produced by. Registries answer "denied" both for a repository that does
   * not exist and for one the credential may not read (so as not to reveal which exists).
   */
  alsoPossible?: PullFailureCause[];
}

interface Rule {
  cause: PullFailureCause;
  test: RegExp;
  detail?: (m: RegExpExecArray, text: string) => Record<string, string>;
  alsoPossible?: PullFailureCause[];
}

const trimPunct = (s: string) => s.replace(/^["'(\s]+|["'),.\s]+$/g, '');

// Order matters: TLS failures can occur while fetching a token, DNS failures mention timeouts and refusals,
// and "pull access denied" mentions authorization.
const RULES: Rule[] = [
  // Go ≥ 1.20 prefixes TLS verification errors with "tls: failed to verify certificate: ".
  {
    cause: 'legacy-cn',
    test: /x509: certificate relies on legacy Common Name field/,
  },
  {
    cause: 'ip-san-missing',
    test: /x509: cannot validate certificate for (\S+) because it doesn't contain any IP SANs/,
    detail: (m) => ({ ip: trimPunct(m[1]) }),
  },
  {
    cause: 'hostname-mismatch',
    test: /x509: certificate is valid for (.+?), not ([^\s"',)]+)/,
    detail: (m) => ({ names: m[1], wanted: trimPunct(m[2]) }),
  },
  {
    cause: 'hostname-mismatch',
    test: /x509: certificate is not valid for any names, but wanted to match ([^\s"',)]+)/,
    detail: (m) => ({ names: '', wanted: trimPunct(m[1]) }),
  },
  {
    cause: 'cert-expired',
    test: /x509: certificate has expired or is not yet valid(?:: current time (\S+) is (after|before) ([^\s"',)]+))?/,
    detail: (m): Record<string, string> =>
      m[1]
        ? m[2] === 'after'
          ? { currentTime: m[1], notAfter: trimPunct(m[3]), state: 'expired' }
          : { currentTime: m[1], notBefore: trimPunct(m[3]), state: 'not-yet-valid' }
        : {},
  },
  {
    cause: 'unknown-authority',
    test: /x509: certificate signed by unknown authority|x509: .*certificate is not trusted|certificate verify failed: unable to get local issuer certificate/,
  },
  {
    cause: 'http-vs-https',
    test: /server gave HTTP response to HTTPS client|first record does not look like a TLS handshake/,
  },
  {
    cause: 'rate-limited',
    test: /toomanyrequests|429 Too Many Requests|You have reached your pull rate limit/i,
  },
  {
    cause: 'dns',
    test: /dial tcp: lookup ([^\s:]+)(?: on ([^\s:]+(?::\d+)?))?|no such host|server misbehaving|Temporary failure in name resolution|Name or service not known/,
    detail: (m) => (m[1] ? { lookup: m[1], ...(m[2] ? { resolver: m[2] } : {}) } : {}),
  },
  {
    // containerd sent no credential at all: nothing bound, or no key matched the image's host.
    cause: 'unauthorized',
    test: /no basic auth credentials/,
    detail: () => ({ credentials: 'none' }),
  },
  {
    // containerd: "pull access denied, repository does not exist or may require authorization: ...";
    // docker: "pull access denied for X, repository does not exist or may require 'docker login'".
    cause: 'denied',
    test: /pull access denied|repository does not exist or may require/,
    alsoPossible: ['not-found', 'unauthorized'],
  },
  {
    // Harbor's "Prevent vulnerable images from running" / content-trust policies answer 412 PROJECTPOLICYVIOLATION.
    cause: 'denied',
    test: /PROJECTPOLICYVIOLATION|cannot be pulled due to configured policy|412 Precondition Failed/,
    detail: () => ({ policy: 'harbor-project-policy' }),
  },
  {
    cause: 'denied',
    test: /insufficient_scope|requested access to the resource is denied|unauthorized to access repository|\b403 Forbidden\b/,
    alsoPossible: ['not-found', 'unauthorized'],
  },
  {
    cause: 'unauthorized',
    test: /\b401 Unauthorized\b|unauthorized: authentication required|unauthorized: incorrect username or password|\bunauthorized\b|authentication required/i,
  },
  {
    cause: 'not-found',
    test: /manifest unknown|code = NotFound|: not found(?:$|["\s,)])|\bnot found: |name unknown|\b404 Not Found\b/,
  },
  {
    cause: 'timeout',
    test: /i\/o timeout|context deadline exceeded|TLS handshake timeout|connection timed out|Client\.Timeout exceeded|timeout awaiting response headers|request canceled while waiting for connection/,
  },
  {
    cause: 'connection-refused',
    test: /connection refused/,
  },
  {
    cause: 'network-error',
    test: /no route to host|network is unreachable|connection reset by peer/,
  },
];

/** The first URL's host[:port] in the message: the endpoint that failed (registry or token server). */
export function endpointOf(message: string): string | undefined {
  const m = /https?:\/\/([^/"\s?]+)/.exec(message);
  if (m) return m[1];
  const h = /pulling from host (\S+) failed/.exec(message);
  return h ? h[1] : undefined;
}

function dialAddress(message: string): string | undefined {
  const m = /dial tcp (\[[^\]]+\]:\d+|[^\s:]+:\d+)/.exec(message);
  return m ? m[1] : undefined;
}

/** Classifies one failure message. */
export function classifyPullError(message: string): Classification {
  const text = message ?? '';
  for (const rule of RULES) {
    const m = rule.test.exec(text);
    if (!m) continue;
    const detail: Record<string, string> = { ...(rule.detail ? rule.detail(m, text) : {}) };
    const endpoint = endpointOf(text);
    if (endpoint) detail.endpoint = endpoint;
    const address = dialAddress(text);
    if (address) detail.address = address;
    return { cause: rule.cause, detail, ...(rule.alsoPossible ? { alsoPossible: rule.alsoPossible } : {}) };
  }
  return { cause: 'unknown', detail: {} };
}

/** The image named in a kubelet message: `Failed to pull image "x": ...`, `Back-off pulling image "x"`, `Pulling image "x"`. */
export function imageInMessage(message: string): string | undefined {
  const m = /(?:pull(?:ing)? image|pulled image|Container image) \\?"([^"\\]+)\\?"/i.exec(message ?? '');
  return m ? m[1] : undefined;
}

/** Whether a kubelet event message carries an actual error rather than a summary like "Error: ErrImagePull". */
export function isInformativeFailure(message: string): boolean {
  const t = (message ?? '').trim();
  if (t === '' || /^Error: \w+$/.test(t)) return false;
  if (/^Back-off pulling image "[^"]*"$/.test(t)) return false;
  return true;
}
