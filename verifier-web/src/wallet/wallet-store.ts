// What the wallet keeps on this device: the holder's secret (needed to fetch new tokens) and the
// last token, so the code can still be shown offline until it expires.

export interface WalletState {
  secret: string;
  token?: string;
  /** When the token was last fetched, by this device's clock (seconds). */
  fetchedAt?: number;
  /** The status the issuer last reported, and the zone its days are counted in. */
  status?: HolderStatus;
  timeZone?: string;
}

import type { HolderStatus } from './holder-api.ts';

const STORAGE_KEY = 'tricolor.wallet';

export function loadWallet(): WalletState | undefined {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<WalletState> | null;
    return raw && typeof raw.secret === 'string' && raw.secret ? (raw as WalletState) : undefined;
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
