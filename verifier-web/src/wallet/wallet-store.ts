// What the wallet keeps on this device: the last token, so the code can still be shown offline
// until it expires. Never the holder secret: that lives in an HttpOnly cookie no page script can
// read (docs/identity.md "Holder secrets").

export interface WalletState {
  token: string;
  /** When the token was last fetched, by this device's clock (seconds). */
  fetchedAt: number;
  /** The status the issuer last reported, and the zone its days are counted in. */
  status?: HolderStatus;
  timeZone?: string;
}

import type { HolderStatus } from './holder-api.ts';

const STORAGE_KEY = 'tricolor.wallet';

export function loadWallet(): WalletState | undefined {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<WalletState> & { secret?: unknown };
    // A wallet from before sign-in kept its secret here: drop it.
    if (raw && 'secret' in raw) {
      forgetWallet();
      return undefined;
    }
    return raw && typeof raw.token === 'string' && typeof raw.fetchedAt === 'number' ? (raw as WalletState) : undefined;
  } catch {
    return undefined;
  }
}

export function saveWallet(state: WalletState): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
}

export function forgetWallet(): void {
  localStorage.removeItem(STORAGE_KEY);
}
