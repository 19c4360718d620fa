// What every status writer needs to add a downgrade to the feed (worker/status/apply.ts): the
// feed key and token lifetime, the window domains (read and fixed in the home database, from the
// dense numbers of every holder database), and who to tell after a write that added feed rows.
// The rows themselves go into the holder database's outbox in the status batch
// (worker/db/feed-entries.ts outboxEntryStatement) and reach the feed through ./forward.ts.

import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { HolderRow } from '../db/schema.ts';
import type { Shards } from '../shards/shards.ts';
import type { AppState } from '../state.ts';
import type { PlannedRevocation } from '../status/plan.ts';
import { type FeedEntries, parseCuts, planFeedEntries, windowsListedBy } from './entries.ts';
import type { DomainSources, ResolvedWindows, WindowDomainCache } from './window-domains.ts';

export interface FeedWriter {
  maxTokenLifetime: number;
  /** Resolves (fixing if needed) the domains and feed keys of these windows. */
  domainsFor(windows: readonly number[]): Promise<ResolvedWindows>;
  /** Called after a write that added feed rows to `holderDb`'s outbox. */
  onRevocation(holderDb: Db): void;
}

export interface FeedWriterSources {
  config: Pick<Config, 'feedKeys' | 'tokenLifetimeSeconds' | 'windowHeadroomPerBucket'>;
  domains: WindowDomainCache;
  /** The home database, where window domains are fixed. */
  homeDb: Db;
  holderDbs: () => Db[];
  onRevocation: (holderDb: Db) => void;
}

/** Where window domains come from: the home database (primary) and every holder database's counters. */
export function domainSources(
  config: Pick<Config, 'windowHeadroomPerBucket' | 'feedKeys'>,
  shards: Shards,
  readHome?: () => Db,
): DomainSources {
  return {
    readFeedDb: readHome ?? (() => shards.home),
    feedDb: () => shards.home,
    holderDbs: () => shards.all.map((s) => s.db),
    headroomPerBucket: config.windowHeadroomPerBucket,
    feedKeys: config.feedKeys,
  };
}

/**
 * The writer of a request: the isolate's domain cache, and the shard whose outbox got rows noted
 * (so the feed copies them before the response leaves, worker/app.ts).
 */
export function requestFeedWriter(
  config: FeedWriterSources['config'],
  state: Pick<AppState, 'windowDomains'>,
  shards: Shards,
  noteRevocation: (shard: Shards['all'][number]) => void,
): FeedWriter {
  return feedWriterFor({
    config,
    domains: state.windowDomains,
    homeDb: shards.home,
    holderDbs: () => shards.all.map((s) => s.db),
    onRevocation: (holderDb) => {
      // Every holder handle comes from `shards`; should one not, every outbox is copied rather
      // than leaving the entry to the cron.
      const shard = shards.all.find((s) => s.db === holderDb);
      for (const noted of shard ? [shard] : shards.all) noteRevocation(noted);
    },
  });
}

export function feedWriterFor(s: FeedWriterSources): FeedWriter {
  const sources: DomainSources = {
    readFeedDb: () => s.homeDb,
    feedDb: () => s.homeDb,
    holderDbs: s.holderDbs,
    headroomPerBucket: s.config.windowHeadroomPerBucket,
    feedKeys: s.config.feedKeys,
  };
  return {
    maxTokenLifetime: s.config.tokenLifetimeSeconds,
    domainsFor: (windows) => s.domains.resolve(windows, sources),
    onRevocation: s.onRevocation,
  };
}

/** The feed entries of a write whose plan revokes; undefined when it revokes nothing. */
export async function prepareFeedEntries(
  writer: FeedWriter,
  holder: HolderRow,
  revocations: readonly PlannedRevocation[],
  now: number,
): Promise<FeedEntries | undefined> {
  if (revocations.length === 0) return undefined;
  if (holder.slot === null) throw new Error('a holder without a slot cannot be revoked in the feed');
  const cuts = revocations.map((r) => r.revokedBefore);
  const windows = [...new Set(cuts.flatMap((cut) => windowsListedBy(cut, writer.maxTokenLifetime)))];
  const { domainOf, keyOf } = await writer.domainsFor(windows);
  return planFeedEntries(keyOf, holder.slot, parseCuts(holder.revocationCuts), cuts, writer.maxTokenLifetime, now, domainOf);
}
