// From a scanned code's (window, epoch, index) back to the holder's slot (docs/feed-privacy.md
// "Window index": slotOfWindowIndex), for the operators' audited lookup. Only while the window's
// domain is kept: once a window has left the feed, its codes name nobody, even to the issuer.

import { type CodeReference, slotOfWindowIndex, windowPermutation } from '../../src/index.ts';
import type { FeedKeys } from '../config.ts';
import type { Db } from '../db/client.ts';
import { readWindowDomain } from '../db/window-domains.ts';

/**
 * The slot the code was issued to, or undefined when its window is unknown, its feed key is no
 * longer configured, or the index is outside its domain.
 */
export async function slotOfCode(feedDb: Db, feedKeys: FeedKeys, code: CodeReference): Promise<number | undefined> {
  const fixed = await readWindowDomain(feedDb, code.window);
  const key = fixed && feedKeys.byId.get(fixed.keyId);
  if (!fixed || !key || code.windowIndex >= fixed.domain) return undefined;
  return slotOfWindowIndex(windowPermutation(key, code.window, code.epoch, fixed.domain), code.windowIndex);
}
