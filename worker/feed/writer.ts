// What every status writer needs to add a downgrade to the feed (worker/status/apply.ts): the
// feed database, the feed key and token lifetime, the window domains, and the head cache to
// invalidate. Built once per request or cron run by feedWriterFor.

import type { WindowDomain } from '../../src/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { HolderRow } from '../db/schema.ts';
import type { AppState } from '../state.ts';
import type { PlannedRevocation } from '../status/plan.ts';
import { type FeedEntries, parseCuts, planFeedEntries, windowsListedBy } from './entries.ts';
import type { WindowDomainCache } from './window-domains.ts';

export interface FeedWriter {
  /** Where the feed rows go (the home database). */
  feedDb: Db;
  feedKey: Uint8Array;
  maxTokenLifetime: number;
  /** Resolves (fixing if needed) the domains of these windows. */
  domainsFor(windows: readonly number[]): Promise<WindowDomain>;
  /** Called after a write that added feed rows (the feed's head cache). */
  onRevocation(): void;
}

export interface FeedWriterSources {
  config: Pick<Config, 'feedKey' | 'tokenLifetimeSeconds' | 'windowHeadroomPerBucket'>;
  domains: WindowDomainCache;
  feedDb: Db;
  holderDbs: () => Db[];
  onRevocation: () => void;
}

/**
 * The writer of a request on the single-database layout: holders and feed in `db`, the isolate's
 * domain cache, and the head cache invalidated after a revocation.
 */
export function requestFeedWriter(
  config: FeedWriterSources['config'],
  state: Pick<AppState, 'windowDomains' | 'feedHead'>,
  db: Db,
): FeedWriter {
  return feedWriterFor({
    config,
    domains: state.windowDomains,
    feedDb: db,
    holderDbs: () => [db],
    onRevocation: () => state.feedHead.invalidate(),
  });
}

export function feedWriterFor(s: FeedWriterSources): FeedWriter {
  const sources = {
    readFeedDb: () => s.feedDb,
    feedDb: () => s.feedDb,
    holderDbs: s.holderDbs,
    headroomPerBucket: s.config.windowHeadroomPerBucket,
  };
  return {
    feedDb: s.feedDb,
    feedKey: s.config.feedKey,
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
  const domainOf = await writer.domainsFor(windows);
  return planFeedEntries(writer.feedKey, holder.slot, parseCuts(holder.revocationCuts), cuts, writer.maxTokenLifetime, now, domainOf);
}
