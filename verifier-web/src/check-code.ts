// From decoded QR text to a verdict, with whatever data the device holds at this instant.
import {
  defaultEd25519Backend,
  preparedKey,
  type TrustList,
  verifyToken,
  type WindowStatusSets,
  withRevokedKids,
} from '../../src/index.ts';
import { decideVerdict, type TemperatureCheck, type Verdict } from './verdict.ts';

export interface HeldData {
  list?: TrustList;
  /** The revoked window indices per (window, epoch) from the synced feed. */
  revoked?: WindowStatusSets;
  /** Kids this device has ever seen revoked (trust-list-sync.ts): revoked whatever the list says. */
  revokedKids?: ReadonlySet<string>;
}

export async function checkCode(text: string, held: HeldData, now: number, temperature?: TemperatureCheck): Promise<Verdict> {
  // Scanners append CR/LF and pasted text often carries spaces; a token never contains either.
  const clean = text.trim();
  if (!held.list) return decideVerdict(undefined, temperature);
  const keys = held.revokedKids ? withRevokedKids(held.list.keys, held.revokedKids) : held.list.keys;
  const { maxTokenLifetime } = held.list;
  const result = await verifyToken(clean, {
    keys,
    revocations: held.revoked,
    now,
    ...(maxTokenLifetime === undefined ? {} : { maxTokenLifetime }),
  });
  return decideVerdict(result, temperature);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Picks the Ed25519 backend and imports each trusted key ahead of the first scan, so the first
 * person in the queue waits no longer than the rest.
 */
export async function warmUpVerifier(list: TrustList | undefined): Promise<void> {
  if (!list) return;
  const backend = await defaultEd25519Backend();
  await Promise.all(list.keys.map((key) => preparedKey(backend, key).catch(() => undefined)));
}
