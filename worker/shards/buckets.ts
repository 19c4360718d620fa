// Virtual buckets: the fixed unit a holder is placed in (docs/scale.md "Sharding holders"). A
// holder's bucket is a pure function of its keyed ID hash, so every path that knows the ID number
// (sign-in, lookup, import, pending key-people rows) finds it without a directory; the holder id and
// the holder secret carry it, so a token fetch finds it from the bearer secret alone. Buckets map to
// databases through the shard map (shard-map.ts), which a deployment changes to grow from N to 2N
// databases without re-issuing a secret or a code: ids and secrets name buckets, not databases.

/** 1024 = 32²: a bucket is exactly two base32 characters, the holder id's prefix. */
export const HOLDER_BUCKETS = 1024;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The bucket of a keyed ID hash (HMAC-SHA-256 output): its first 10 bits. */
export function bucketOfIdHash(idHash: Uint8Array): number {
  if (idHash.length < 2) throw new RangeError('an ID hash has at least 2 bytes');
  return ((idHash[0]! << 8) | idHash[1]!) >> 6;
}

/** A public holder id: the bucket as two base32 characters, then 14 random ones (70 random bits). */
export function holderIdFor(bucket: number, random: Uint8Array): string {
  if (!isBucket(bucket)) throw new RangeError('bucket out of range');
  if (random.length < 14) throw new RangeError('a holder id needs 14 random bytes');
  let out = BASE32[bucket >> 5]! + BASE32[bucket & 31]!;
  for (let i = 0; i < 14; i++) out += BASE32[random[i]! & 31];
  return out;
}

const HOLDER_ID = /^[a-z2-7]{16}$/;

/** The bucket a holder id names, or undefined for a string that is no holder id. */
export function bucketOfHolderId(id: string): number | undefined {
  if (!HOLDER_ID.test(id)) return undefined;
  return BASE32.indexOf(id[0]!) * 32 + BASE32.indexOf(id[1]!);
}

/** The bucket carried in a holder secret's first two bytes (big-endian), or undefined. */
export function bucketOfSecretPrefix(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2) return undefined;
  const bucket = (bytes[0]! << 8) | bytes[1]!;
  return isBucket(bucket) ? bucket : undefined;
}

export function isBucket(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < HOLDER_BUCKETS;
}
