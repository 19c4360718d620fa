// Feed size with window pseudonyms against the IETF Token Status List (draft-ietf-oauth-status-list
// §4: one bit per referenced token, ZLIB (RFC 1950) at level 9) and the bound log2 C(N, k), for
// the same live tokens and the same downgrades, measured in one run (docs/feed-privacy.md).
//
// Model, as the figures quoted for this comparison assume: a million holders with 4.5 live
// tokens each, one in each of the windows w−3..w and, for half of the holders, one in w−4 (the
// other half have expired). Downgraded holders are downgraded now, so all their live tokens are
// revoked. The
// Token Status List knows which tokens exist (it writes at issuance); Tricolor does not, so it
// lists every downgraded holder in all five windows, and still has to come out smaller.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { build } from 'vite';
import {
  applyRevocationFeed,
  type CodedStatusPiece,
  createSigner,
  generateSeed,
  generateSubId,
  type Signer,
  StatusPieceEncoder,
  signRevocationFeed,
  verifyRevocationFeed,
  WINDOW_SECONDS,
  windowIndex,
  windowOf,
  windowPermutation,
} from '../src/index.ts';
import { launchChromium } from '../verifier-web/scripts/chromium.ts';
import {
  applyRevocationFeed as applyVersion1Feed,
  type RevocationEntry,
  signRevocationFeed as signVersion1Feed,
  verifyRevocationFeed as verifyVersion1Feed,
} from './lib/feed-v1.ts';
import type { Figure } from './report.ts';

const SECTION = 'Revocation feed privacy (window pseudonyms)';
const HOLDERS = 1_000_000;
const BUCKETS = 1024;
/** Dense slots of all enrolled holders, rounded up to whole buckets (holderSlot interleaves them). */
const DOMAIN = BUCKETS * Math.ceil(HOLDERS / BUCKETS);
const LIVE_WINDOWS = 5;
const PAGE = 5000;
const NOW = 1_772_323_200 + 4 * WINDOW_SECONDS + WINDOW_SECONDS / 2;

/** A deterministic xorshift32 stream, so every run measures the same sets. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function sample(k: number, n: number, rnd: () => number): number[] {
  const set = new Set<number>();
  while (set.size < k) set.add(Math.floor(rnd() * n));
  return [...set];
}

/** log2 C(n, k) as an exact sum of logs (no lgamma). */
export function log2Binomial(n: number, k: number): number {
  let bits = 0;
  for (let i = 0; i < k; i++) bits += Math.log2((n - i) / (k - i));
  return bits;
}

/** draft-ietf-oauth-status-list §4.1, 1-bit statuses: token i is bit (i mod 8) of byte i / 8, LSB first. */
function setStatusBit(bits: Uint8Array, index: number): void {
  bits[index >> 3]! |= 1 << (index & 7);
}

/** The draft's own example (§4.1): statuses of 16 tokens give bytes b9 a3 and lst "eNrbuRgAAhcBXQ". */
function checkStatusListEncoding(): void {
  const bits = new Uint8Array(2);
  for (const i of [0, 3, 4, 5, 7, 8, 9, 13, 15]) setStatusBit(bits, i);
  const lst = deflateSync(bits, { level: 9 }).toString('base64url');
  if (lst !== 'eNrbuRgAAhcBXQ') throw new Error(`Token Status List encoding does not match the draft's example: ${lst}`);
}

/** The Token Status List: live tokens numbered in issuance order, bit i set when token i is revoked. */
function tokenStatusListBytes(downgraded: Set<number>, rnd: () => number): { bytes: number; liveTokens: number; revoked: number } {
  const chunks: Uint8Array[] = [];
  let liveTokens = 0;
  let revoked = 0;
  for (let w = 0; w < LIVE_WINDOWS; w++) {
    // Window w−4 holds half the holders' tokens: the other half have expired.
    const half = w === 0;
    const order = Array.from({ length: HOLDERS }, (_, i) => i).filter(() => !half || rnd() < 0.5);
    // Issuance order is unrelated to the holder: shuffle (Fisher–Yates).
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const bits = new Uint8Array(Math.ceil(order.length / 8));
    order.forEach((holder, index) => {
      if (downgraded.has(holder)) {
        setStatusBit(bits, index);
        revoked++;
      }
    });
    chunks.push(bits);
    liveTokens += order.length;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return { bytes: deflateSync(all, { level: 9 }).length, liveTokens, revoked };
}

/** The pieces for holders downgraded now: their index in each live window, appended page by page. */
function windowPieces(feedKey: Uint8Array, downgradedSlots: number[], domain: number): CodedStatusPiece[] {
  const last = windowOf(NOW);
  const pieces: CodedStatusPiece[] = [];
  for (let window = last - LIVE_WINDOWS + 1; window <= last; window++) {
    const perm = windowPermutation(feedKey, window, 0, domain);
    const indices = Uint32Array.from(downgradedSlots, (slot) => windowIndex(perm, slot)).sort();
    const encoder = new StatusPieceEncoder(window, 0, domain, indices.length);
    for (let from = 0; from < indices.length; from += PAGE) encoder.append(indices.subarray(from, from + PAGE));
    pieces.push(encoder.finish());
  }
  return pieces;
}

/** The feed as served (docs/revocation-feed.md, version 2: the pieces in payload field 9), signed. */
function signedFeed(pieces: CodedStatusPiece[], kind: 0 | 1, signer: Signer): Promise<Uint8Array> {
  return signRevocationFeed(
    {
      issuer: 'ZJ',
      kind: kind === 0 ? 'snapshot' : 'delta',
      fromSeq: kind === 0 ? 0 : 1000,
      toSeq: 1100,
      issuedAt: NOW,
      maxTokenLifetime: 86400,
      pieces,
    },
    signer,
  );
}

export async function benchFeedPrivacy(quick: boolean): Promise<Figure[]> {
  const signer = await createSigner(generateSeed());
  const feedKey = crypto.getRandomValues(new Uint8Array(32));
  const figures: Figure[] = [];
  checkStatusListEncoding();
  for (const rate of [0.001, 0.01]) {
    const rnd = random(rate === 0.01 ? 101 : 1001);
    const k = Math.round(HOLDERS * rate);
    const downgradedSlots = sample(k, HOLDERS, rnd);
    const tsl = tokenStatusListBytes(new Set(downgradedSlots), rnd);
    const bound = log2Binomial(tsl.liveTokens, tsl.revoked) / 8;
    const started = performance.now();
    const pieces = windowPieces(feedKey, downgradedSlots, DOMAIN);
    const deriveMs = performance.now() - started;
    const sets = pieces.reduce((n, p) => n + p.bits.length, 0);
    const signed = (await signedFeed(pieces, 0, signer)).length;
    const perHolder = (bytes: number) => (bytes / k).toFixed(2);
    figures.push({
      section: SECTION,
      name: `Snapshot, ${rate * 100} % of 1 M holders downgraded (${k.toLocaleString('en')}), 4.5 live windows`,
      value: `${perHolder(signed)} B/downgraded holder signed (${signed.toLocaleString('en')} B; sets alone ${perHolder(sets)}) vs Token Status List ${perHolder(tsl.bytes)} (${tsl.bytes.toLocaleString('en')} B), bound ${perHolder(bound)}; ratio to TSL ${(signed / tsl.bytes).toFixed(3)}`,
      target: '≤ 1.0 × Token Status List',
      met: signed <= tsl.bytes,
      note: `${k * LIVE_WINDOWS} window indices derived with the keyed Feistel permutation in ${deriveMs.toFixed(0)} ms; TSL: ${tsl.liveTokens.toLocaleString('en')} live tokens, ${tsl.revoked.toLocaleString('en')} revoked, zlib level 9; bound log2 C(${tsl.liveTokens}, ${tsl.revoked}) bits; the signed Tricolor figure includes the COSE_Sign1 envelope, the TSL figure is the compressed list alone`,
      raw: {
        rate,
        downgraded: k,
        tslBytes: tsl.bytes,
        boundBytes: bound,
        signedBytes: signed,
        setBytes: sets,
        liveTokens: tsl.liveTokens,
        revokedTokens: tsl.revoked,
        deriveMs,
      },
    });
  }
  figures.push(await derivationCost(feedKey, signer));
  figures.push(await sameWindowCost(feedKey, signer));
  figures.push(await deltaSize(feedKey, signer));
  figures.push(...(await applyTime(signer, quick)));
  return figures;
}

/**
 * What a token fetch will add: one window index at 70 M holders (a 27-bit domain), against the
 * Ed25519 signature every fetch already makes, interleaved in the same run.
 */
async function derivationCost(feedKey: Uint8Array, signer: Signer): Promise<Figure> {
  const domain = 70_700_000;
  const message = new Uint8Array(120);
  const indexUs: number[] = [];
  const cachedUs: number[] = [];
  const signUs: number[] = [];
  const cached = windowPermutation(feedKey, windowOf(NOW), 0, domain);
  for (let round = 0; round < 5; round++) {
    let t = performance.now();
    for (let i = 0; i < 200; i++) windowIndex(windowPermutation(feedKey, windowOf(NOW), 0, domain), (round * 200 + i) * 70_001);
    indexUs.push(((performance.now() - t) * 1000) / 200);
    t = performance.now();
    for (let i = 0; i < 200; i++) windowIndex(cached, (round * 200 + i) * 70_001);
    cachedUs.push(((performance.now() - t) * 1000) / 200);
    t = performance.now();
    for (let i = 0; i < 200; i++) await signer.sign(message);
    signUs.push(((performance.now() - t) * 1000) / 200);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const ratio = median(indexUs) / median(signUs);
  return {
    section: SECTION,
    name: 'Window index per token fetch (key derivation + permutation, 70 M-holder domain) ÷ the Ed25519 signature it already makes',
    value: `${ratio.toFixed(2)} (${median(indexUs).toFixed(0)} µs vs ${median(signUs).toFixed(0)} µs); with the window’s permutation cached ${(median(cachedUs) / median(signUs)).toFixed(2)} (${median(cachedUs).toFixed(0)} µs)`,
    note: 'median of 5 interleaved rounds of 200; the signer is the bench’s own (the Worker signs with WebCrypto in workerd); an isolate can keep the permutation of the current (window, epoch 0), which saves the key derivation',
    raw: { indexUs, cachedUs, signUs, ratio },
  };
}

/** The cost of the same-window case: a tenth of the downgraded holders downgraded twice in window w. */
async function sameWindowCost(feedKey: Uint8Array, signer: Signer): Promise<Figure> {
  const rnd = random(7);
  const k = HOLDERS / 100;
  const slots = sample(k, HOLDERS, rnd);
  const once = (await signedFeed(windowPieces(feedKey, slots, DOMAIN), 0, signer)).length;
  const twice = slots.slice(0, k / 10);
  const w = windowOf(NOW);
  const perm = windowPermutation(feedKey, w, 1, DOMAIN);
  const encoder = new StatusPieceEncoder(w, 1, DOMAIN, twice.length);
  encoder.append(Uint32Array.from(twice, (slot) => windowIndex(perm, slot)).sort());
  const withEpochs = (await signedFeed([...windowPieces(feedKey, slots, DOMAIN), encoder.finish()], 0, signer)).length;
  return {
    section: SECTION,
    name: 'Same-window revocation epochs: 1 % downgraded, a tenth of them twice in the current window',
    value: `+${withEpochs - once} B (+${(((withEpochs - once) / once) * 100).toFixed(1)} %); ${((withEpochs - once) / twice.length).toFixed(2)} B per second downgrade`,
    raw: { onceBytes: once, withEpochsBytes: withEpochs, secondDowngrades: twice.length },
    note: 'single downgrades cost nothing for epochs: epoch-0 indices fill a dense domain, later epochs get their own small piece',
  };
}

async function deltaSize(feedKey: Uint8Array, signer: Signer): Promise<Figure> {
  const slots = sample(100, HOLDERS, random(3));
  const bytes = (await signedFeed(windowPieces(feedKey, slots, DOMAIN), 1, signer)).length;
  return {
    section: SECTION,
    name: 'Delta of 100 downgrades (500 window indices), signed',
    value: `${bytes.toLocaleString('en')} B`,
    target: '< 2 KB',
    met: bytes < 2048,
    raw: { bytes },
  };
}

/**
 * Verify, decode and apply a snapshot of 100 000 downgrades (10 M holders at 1 %), against
 * today's feed of 100 000 (sub, revokedBefore) entries measured the same way in the same run.
 * The indices are drawn uniformly instead of derived: the permutation's outputs are uniform, and
 * deriving 500 000 would only slow the bench.
 */
async function applyTime(signer: Signer, quick: boolean): Promise<Figure[]> {
  const downgrades = 100_000;
  const domain = 10_000_000;
  const rnd = random(11);
  const last = windowOf(NOW);
  const pieces: CodedStatusPiece[] = [];
  for (let window = last - LIVE_WINDOWS + 1; window <= last; window++) {
    const encoder = new StatusPieceEncoder(window, 0, domain, downgrades);
    encoder.append(Uint32Array.from(sample(downgrades, domain, rnd)).sort());
    pieces.push(encoder.finish());
  }
  const bytes = await signedFeed(pieces, 0, signer);
  // The next poll's delta: 100 more downgrades, one index in each live window, after the snapshot's toSeq (1100).
  const deltaPieces: CodedStatusPiece[] = [];
  for (let window = last - LIVE_WINDOWS + 1; window <= last; window++) {
    const encoder = new StatusPieceEncoder(window, 0, domain, 100);
    encoder.append(Uint32Array.from(sample(100, domain, rnd)).sort());
    deltaPieces.push(encoder.finish());
  }
  const delta = await signRevocationFeed(
    { issuer: 'ZJ', kind: 'delta', fromSeq: 1100, toSeq: 1200, issuedAt: NOW, maxTokenLifetime: 86400, pieces: deltaPieces },
    signer,
  );
  const keys = [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active' as const, validFrom: NOW - 60 }];
  const applyNew = async () => {
    const verified = await verifyRevocationFeed(bytes, { keys, now: NOW });
    if (!verified.ok) throw new Error(`snapshot did not verify: ${verified.reason}`);
    const applied = applyRevocationFeed(undefined, verified.feed, NOW);
    if (!applied.ok) throw new Error(applied.detail);
  };
  const entries: RevocationEntry[] = Array.from({ length: downgrades }, (_, i) => ({
    sub: generateSubId(),
    revokedBefore: NOW - (i % 86400),
  }));
  const today = await signVersion1Feed(
    { issuer: 'ZJ', kind: 'snapshot', fromSeq: 0, toSeq: downgrades, issuedAt: NOW, maxTokenLifetime: 86400, entries },
    signer,
  );
  const applyToday = async () => {
    const verified = await verifyVersion1Feed(today, { keys, now: NOW });
    if (!verified.ok) throw new Error('feed did not verify');
    const applied = applyVersion1Feed(undefined, verified.feed, NOW);
    if (!applied.ok) throw new Error(applied.detail);
  };
  const rounds = quick ? 3 : 7;
  const newMs: number[] = [];
  const todayMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Interleaved, so load on the shared machine hits both alike.
    let t = performance.now();
    await applyNew();
    newMs.push(performance.now() - t);
    t = performance.now();
    await applyToday();
    todayMs.push(performance.now() - t);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const ratio = median(newMs) / median(todayMs);
  const chromium = await applyTimeInChromium(bytes, delta, signer, rounds);
  const pwaRatio = median(chromium.pwaMs) / median(chromium.coreMs);
  const deltaRatio = median(chromium.pwaDeltaMs) / median(chromium.coreDeltaMs);
  return [
    {
      section: SECTION,
      name: 'Verify + decode + apply a snapshot of 100 000 downgrades (500 000 window indices), Node',
      value: `${median(newMs).toFixed(0)} ms (${bytes.length.toLocaleString('en')} B) vs the version 1 feed of 100 000 entries ${median(todayMs).toFixed(0)} ms (${today.length.toLocaleString('en')} B): ratio ${ratio.toFixed(2)}`,
      note: `median of ${rounds} interleaved rounds; both through the verifier functions (verifyRevocationFeed, applyRevocationFeed), version 1 from bench/lib/feed-v1.ts`,
      raw: { newMs, todayMs, ratio, bytes: bytes.length, todayBytes: today.length },
    },
    {
      section: SECTION,
      name: 'The PWA syncing that snapshot in headless Chromium (its own sync code: verify + apply + store in IndexedDB) ÷ the core alone (verify + apply) in the same page',
      value: `${pwaRatio.toFixed(2)} (PWA ${median(chromium.pwaMs).toFixed(0)} ms, core ${median(chromium.coreMs).toFixed(0)} ms; medians)`,
      note: `${rounds} interleaved rounds in one page, timed with performance.now() inside it; PWA: syncRevocations with the real IndexedDB store (emptied before each round, untimed), ${chromium.storedIndices.toLocaleString('en')} indices read back from IndexedDB after the last round; signatures through the browser's Ed25519`,
      raw: { coreMs: chromium.coreMs, pwaMs: chromium.pwaMs, storedIndices: chromium.storedIndices, ratio: pwaRatio },
    },
    {
      section: SECTION,
      name: 'The PWA syncing the next 100-downgrade delta onto that state (verify + merge + store the five rewritten sets) ÷ the core alone (verify + merge)',
      value: `${deltaRatio.toFixed(2)} (PWA ${median(chromium.pwaDeltaMs).toFixed(0)} ms, core ${median(chromium.coreDeltaMs).toFixed(0)} ms; medians)`,
      note: `the same rounds; a delta lists each downgrade in every live window, so all five sets (100 000 indices each, 2 MB as Uint32Array in all) are merged and written again; the delta itself is ${delta.length.toLocaleString('en')} B`,
      raw: { coreDeltaMs: chromium.coreDeltaMs, pwaDeltaMs: chromium.pwaDeltaMs, ratio: deltaRatio, deltaBytes: delta.length },
    },
  ];
}

/** Bundles bench/lib/privacy-browser-entry.ts with vite and times it in headless Chromium, on an http origin so IndexedDB works. */
async function applyTimeInChromium(
  bytes: Uint8Array,
  delta: Uint8Array,
  signer: Signer,
  rounds: number,
): Promise<{ coreMs: number[]; pwaMs: number[]; coreDeltaMs: number[]; pwaDeltaMs: number[]; storedIndices: number }> {
  const outDir = mkdtempSync(join(tmpdir(), 'tricolor-privacy-bench-'));
  const browser = await launchChromium();
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir,
        emptyOutDir: true,
        minify: true,
        lib: {
          entry: new URL('./lib/privacy-browser-entry.ts', import.meta.url).pathname,
          formats: ['iife'],
          name: 'privacyBench',
          fileName: () => 'privacy.js',
        },
      },
    });
    const page = await browser.newPage();
    // A localhost origin: a secure context (WebCrypto) with its own IndexedDB, served from memory.
    const origin = 'http://privacy-bench.localhost';
    const script = readFileSync(join(outDir, 'privacy.js'), 'utf8');
    await page.route(`${origin}/**`, (route) =>
      route.request().url().endsWith('/privacy.js')
        ? route.fulfill({ contentType: 'text/javascript', body: script })
        : route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><title>privacy bench</title><script src="/privacy.js"></script>',
          }),
    );
    await page.goto(`${origin}/`);
    type Bench = {
      load(...a: string[]): void;
      applyWithCore(now: number): Promise<number>;
      syncWithPwa(now: number): Promise<number>;
      applyDeltaWithCore(now: number): Promise<number>;
      syncDeltaWithPwa(now: number): Promise<number>;
      storedIndexCount(): Promise<number>;
    };
    const b64 = (x: Uint8Array) => Buffer.from(x).toString('base64');
    await page.evaluate(
      ([doc, next, pub, kid]) => (globalThis as unknown as { privacyBench: Bench }).privacyBench.load(doc, next, pub, kid),
      [b64(bytes), b64(delta), b64(signer.publicKey), b64(signer.kid)] as const,
    );
    const run = (step: 'applyWithCore' | 'syncWithPwa' | 'applyDeltaWithCore' | 'syncDeltaWithPwa') =>
      page.evaluate(([name, now]) => (globalThis as unknown as { privacyBench: Bench }).privacyBench[name](now), [step, NOW] as const);
    const times = { coreMs: [] as number[], pwaMs: [] as number[], coreDeltaMs: [] as number[], pwaDeltaMs: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      // Interleaved, so load on the shared machine hits both alike; each delta follows its own snapshot.
      times.coreMs.push(await run('applyWithCore'));
      times.coreDeltaMs.push(await run('applyDeltaWithCore'));
      times.pwaMs.push(await run('syncWithPwa'));
      times.pwaDeltaMs.push(await run('syncDeltaWithPwa'));
    }
    const storedIndices = await page.evaluate(() => (globalThis as unknown as { privacyBench: Bench }).privacyBench.storedIndexCount());
    return { ...times, storedIndices };
  } finally {
    await browser.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
