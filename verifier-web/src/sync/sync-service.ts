// Keeps the trust list and the revocation state current in the background: on start, on
// reconnect, when the app comes back to the foreground, and periodically. It only ever swaps in
// data that verified, and a scan never waits for it: verification reads `snapshot` as it is.
import type { TrustList } from '../../../src/index.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import type { Fetcher } from './http.ts';
import { loadRevocations, type StoredRevocations, syncRevocations } from './revocation-sync.ts';
import { loadTrustList, syncTrustList, type TrustListHolding } from './trust-list-sync.ts';

const CLOCK_KEY = 'clock';

export interface DataSnapshot {
  list?: TrustList;
  /** Hex kids ever seen revoked on this device: never trusted again, whatever the list says. */
  revokedKids?: ReadonlySet<string>;
  trustCheckedAt?: number;
  revocations?: StoredRevocations;
  /** deviceClock - serverDate at the last sync, seconds. */
  clockOffsetSeconds?: number;
  syncing: boolean;
  lastError?: string;
}

export interface SyncServiceOptions {
  store: KeyValueStore;
  fetcher: Fetcher;
  rootPublicKey: Uint8Array;
  baseUrl: string;
  /** NumericDate seconds; injected so tests and the page agree on one clock. */
  clock: () => number;
  intervalSeconds: number;
}

export class SyncService extends EventTarget {
  snapshot: DataSnapshot = { syncing: false };
  private holding: TrustListHolding | undefined;
  private inFlight: Promise<void> | undefined;
  private lastAttempt = 0;
  private readonly options: SyncServiceOptions;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SyncServiceOptions) {
    super();
    this.options = options;
  }

  /** Loads what this device already holds; safe to call before any network. */
  async load(): Promise<void> {
    const { store, rootPublicKey } = this.options;
    const [holding, revocations, clock] = await Promise.all([
      loadTrustList(store, rootPublicKey).catch(() => undefined),
      loadRevocations(store).catch(() => undefined),
      store.get<{ offsetSeconds: number }>(CLOCK_KEY).catch(() => undefined),
    ]);
    this.holding = holding;
    this.update({
      list: holding?.list,
      revokedKids: holding?.revokedKids,
      trustCheckedAt: holding?.record.checkedAt,
      revocations,
      clockOffsetSeconds: clock?.offsetSeconds,
    });
  }

  start(): void {
    const maybeSync = () => {
      if (navigator.onLine !== false) void this.syncNow();
    };
    maybeSync();
    window.addEventListener('online', maybeSync);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.due()) maybeSync();
    });
    // A minute tick rather than one long timer: phones sleep, and a tick notices the lost time.
    this.timer = setInterval(() => {
      if (this.due()) maybeSync();
    }, 60_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Single-flight: a second call while syncing waits for the same run. */
  syncNow(): Promise<void> {
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private due(): boolean {
    return this.options.clock() - this.lastAttempt >= this.options.intervalSeconds;
  }

  private async run(): Promise<void> {
    const { fetcher, store, rootPublicKey, baseUrl, clock } = this.options;
    this.lastAttempt = clock();
    this.update({ syncing: true });
    let lastError: string | undefined;
    try {
      const trust = await syncTrustList({ fetcher, store, rootPublicKey, baseUrl, now: clock() }, this.holding);
      await this.recordServerDate(trust.serverDate);
      if (trust.ok) {
        this.holding = trust.holding;
        this.update({ list: trust.holding.list, revokedKids: trust.holding.revokedKids, trustCheckedAt: trust.holding.record.checkedAt });
      } else {
        lastError = trust.error;
      }
      if (this.holding) {
        const revocations = await syncRevocations({ fetcher, store, baseUrl, now: clock() }, this.holding.list, this.snapshot.revocations);
        await this.recordServerDate(revocations.serverDate);
        if (revocations.ok) this.update({ revocations: revocations.stored });
        else lastError = revocations.error;
      }
    } catch (e) {
      lastError = e instanceof Error ? e.message : 'sync failed';
    }
    this.update({ syncing: false, lastError });
  }

  private async recordServerDate(serverDate: number | undefined): Promise<void> {
    if (serverDate === undefined) return;
    const offsetSeconds = this.options.clock() - serverDate;
    this.update({ clockOffsetSeconds: offsetSeconds });
    await this.options.store.set(CLOCK_KEY, { offsetSeconds }).catch(() => undefined);
  }

  private update(patch: Partial<DataSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.dispatchEvent(new Event('change'));
  }
}
