// The placement rule (worker/shards/): buckets from keyed ID hashes, ids and secrets that carry
// them, and the map from buckets to databases. Expected values are worked out by hand here.
import { describe, expect, it } from 'vitest';
import { bucketOfHolderId, bucketOfIdHash, bucketOfSecretPrefix, HOLDER_BUCKETS, holderIdFor } from '../../worker/shards/buckets.ts';
import { conventionalBindings, evenShardMap, parseShardMap } from '../../worker/shards/shard-map.ts';

const has =
  (...names: string[]) =>
  (name: string) =>
    names.includes(name);

describe('buckets', () => {
  it('are the first 10 bits of the keyed ID hash', () => {
    expect(bucketOfIdHash(new Uint8Array([0x00, 0x00, 0xff]))).toBe(0);
    expect(bucketOfIdHash(new Uint8Array([0xff, 0xff]))).toBe(1023);
    // 1010 1010 | 11xx xxxx -> 10 1010 1011 = 683
    expect(bucketOfIdHash(new Uint8Array([0xaa, 0xc0]))).toBe(683);
    expect(bucketOfIdHash(new Uint8Array([0xaa, 0xbf]))).toBe(682);
  });

  it('are the first two base32 characters of a holder id, and survive the round trip', () => {
    const random = new Uint8Array(14).fill(1);
    expect(holderIdFor(0, random)).toBe('aabbbbbbbbbbbbbb');
    expect(holderIdFor(1023, random)).toBe('77bbbbbbbbbbbbbb');
    expect(holderIdFor(33, random).slice(0, 2)).toBe('bb');
    for (const bucket of [0, 1, 31, 32, 500, 1023]) expect(bucketOfHolderId(holderIdFor(bucket, random))).toBe(bucket);
    expect(bucketOfHolderId('AABBBBBBBBBBBBBB')).toBeUndefined();
    expect(bucketOfHolderId('aab')).toBeUndefined();
    expect(() => holderIdFor(HOLDER_BUCKETS, random)).toThrow(RangeError);
  });

  it('are the first two bytes of a secret, and nothing past the last bucket', () => {
    expect(bucketOfSecretPrefix(new Uint8Array([0x03, 0xff, 9]))).toBe(1023);
    expect(bucketOfSecretPrefix(new Uint8Array([0x04, 0x00, 9]))).toBeUndefined();
    expect(bucketOfSecretPrefix(new Uint8Array([1]))).toBeUndefined();
  });
});

describe('the shard map', () => {
  it('reads ranges per binding and places every bucket', () => {
    const parsed = parseShardMap('DB:0-511, DB_1:512-1023', has('DB', 'DB_1'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.map.bindings).toEqual(['DB', 'DB_1']);
    expect([
      parsed.map.shardOfBucket[0],
      parsed.map.shardOfBucket[511],
      parsed.map.shardOfBucket[512],
      parsed.map.shardOfBucket[1023],
    ]).toEqual([0, 0, 1, 1]);
  });

  it('lets one database hold several ranges, as after moving buckets', () => {
    const parsed = parseShardMap('DB:0-99,DB_1:100-1023', has('DB', 'DB_1'));
    const moved = parseShardMap('DB:0-49,DB_2:50-99,DB_1:100-1023', has('DB', 'DB_1', 'DB_2'));
    expect(parsed.ok && moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(moved.map.bindings[moved.map.shardOfBucket[75]!]).toBe('DB_2');
    expect(moved.map.bindings[moved.map.shardOfBucket[25]!]).toBe('DB');
  });

  it.each([
    ['DB:0-1022', 'bucket 1023 is not mapped'],
    ['DB:0-600,DB_1:600-1023', 'bucket 600 is mapped twice'],
    ['DB:0-1024', 'buckets run from 0 to 1023'],
    ['DB:5-4,DB_1:0-1023', 'first ≤ last'],
    ['DB:0-511,DB_9:512-1023', 'DB_9 is not a D1 binding'],
    ['db:0-1023', 'is not BINDING:FIRST-LAST'],
    ['DB:0-511;DB_1:512-1023', 'is not BINDING:FIRST-LAST'],
  ])('refuses %s, saying why', (text, problem) => {
    const parsed = parseShardMap(text, has('DB', 'DB_1'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });

  it('spreads buckets evenly over the conventional bindings when none is given', () => {
    expect(conventionalBindings(has('DB', 'DB_1', 'DB_2', 'DB_4'))).toEqual(['DB', 'DB_1', 'DB_2']);
    const map = evenShardMap(['DB', 'DB_1', 'DB_2', 'DB_3']);
    const sizes = [0, 0, 0, 0];
    for (const shard of map.shardOfBucket) sizes[shard]!++;
    expect(sizes).toEqual([256, 256, 256, 256]);
    expect(map.shardOfBucket[255]).toBe(0);
    expect(map.shardOfBucket[256]).toBe(1);
  });
});
