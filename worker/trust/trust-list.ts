// The current trust list at run time (docs/architecture.md "Keys and the trust list at run time"):
// the highest version in D1 that verifies against TRUST_ROOT_PUBLIC_KEY. A database write alone
// can therefore never make the Worker publish or sign with a key the root did not vouch for.
// This module and ./signer.ts are the only places that know where keys live.

import { bytesEqual, type TrustList, verifyTrustList } from '../../src/index.ts';
import type { Db } from '../db/client.ts';
import { readRecentTrustLists } from '../db/trust-lists.ts';
import { TUNABLES } from '../tunables.ts';

export interface CurrentTrustList {
  list: TrustList;
  /** The exact signed bytes, served as they are. */
  cose: Uint8Array;
}

/** How many of the newest rows to try before giving up (a bad newest row must not take us down). */
const CANDIDATES = 5;

/** Per-app (so per-isolate in production) cache of the verified current list. */
export class TrustListCache {
  #entry: { value: CurrentTrustList | undefined; loadedAt: number; rootKey: Uint8Array } | undefined;
  #loading: Promise<CurrentTrustList | undefined> | undefined;

  /** `db` is only called (opening a replica session) when the cache has to be refreshed. */
  async current(db: () => Db, rootPublicKey: Uint8Array, now: number): Promise<CurrentTrustList | undefined> {
    const e = this.#entry;
    if (e && bytesEqual(e.rootKey, rootPublicKey) && now - e.loadedAt < TUNABLES.trustListCacheSeconds && now >= e.loadedAt) return e.value;
    // One load at a time per isolate, however many requests arrive together.
    this.#loading ??= loadCurrentTrustList(db(), rootPublicKey)
      .then((value) => {
        this.#entry = { value, loadedAt: now, rootKey: rootPublicKey };
        return value;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  /** After an install in this isolate, so it serves the new list at once. */
  invalidate(): void {
    this.#entry = undefined;
  }
}

export async function loadCurrentTrustList(db: Db, rootPublicKey: Uint8Array): Promise<CurrentTrustList | undefined> {
  for (const row of await readRecentTrustLists(db, CANDIDATES)) {
    const verified = await verifyTrustList(row.cose, { rootPublicKey });
    // The version column must agree with the signed payload, or the row was tampered with.
    if (verified.ok && verified.list.version === row.version) return { list: verified.list, cose: row.cose };
    console.warn(`trust list version ${row.version} in D1 does not verify against the pinned root; skipped`);
  }
  return undefined;
}
