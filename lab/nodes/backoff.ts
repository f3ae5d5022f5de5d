// kubelet's flowcontrol.Backoff as used for image pulls and crash loops: the first failure waits `initial`,
// each further failure doubles the wait up to `max`; an entry idle for 2*max is forgotten (reset).

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  now?: () => number;
}

/** HC_LAB_BACKOFF_SCALE shortens every lab back-off (e.g. 0.01 makes 10 s into 100 ms) for tests. */
export function backoffScale(): number {
  const raw = Number(process.env.HC_LAB_BACKOFF_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: BackoffOptions = {}) {
    const scale = backoffScale();
    this.initialMs = options.initialMs ?? 10_000 * scale;
    this.maxMs = options.maxMs ?? 300_000 * scale;
    this.now = options.now ?? Date.now;
  }

  /** Records a failure: starts at initial, doubles up to max; resets after 2*max without failures. */
  next(key: string): number {
    const now = this.now();
    const entry = this.entries.get(key);
    if (!entry || now - entry.lastUpdate > 2 * this.maxMs) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
      return this.initialMs;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
    entry.lastUpdate = now;
    return entry.backoffMs;
  }

  /** True while the last failure is more recent than the current back-off. */
  isInBackOffSinceUpdate(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    return this.now() - entry.lastUpdate < entry.backoffMs;
  }

  /** Milliseconds until the back-off ends (0 when none). */
  remaining(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.lastUpdate + entry.backoffMs - this.now());
  }

  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries idle for more than 2*max (kubelet calls this after a successful pull). */
  gc(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (now - entry.lastUpdate > 2 * this.maxMs) this.entries.delete(key);
  }
}
