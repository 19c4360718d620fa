// Installing a trust list (PUT /v1/admin/trust-list): it must verify against the pinned root, be
// newer than the current one, be for this issuer, and if it names an active key, SIGNING_KEYS
// must hold that key's seed (else 409 signing_key_missing). Revocation is one-way
// (docs/trust-list.md): a list that drops or un-revokes a key the current list revokes is 409
// revocation_undone, whoever signed it. The row and its audit entry commit in one batch.

import { revokedKidsOf, type TrustList, toHex, verifyTrustList } from '../../src/index.ts';
import type { Config } from '../config.ts';
import { insertAudit } from '../db/audit.ts';
import type { Db } from '../db/client.ts';
import { uniqueViolation } from '../db/errors.ts';
import { insertTrustList } from '../db/trust-lists.ts';
import { DomainError } from '../domain-errors.ts';
import { hasSeedFor } from './signer.ts';
import { loadCurrentTrustList } from './trust-list.ts';

export async function installTrustList(db: Db, config: Config, cose: Uint8Array, now: number, operator: string): Promise<TrustList> {
  // From D1, not the isolate cache: "newer than the current one" must hold against the truth.
  const current = await loadCurrentTrustList(db, config.rootPublicKey);
  const minimumVersion = (current?.list.version ?? 0) + 1;
  const revokedKids = new Set(current ? revokedKidsOf(current.list) : []);
  const verified = await verifyTrustList(cose, { rootPublicKey: config.rootPublicKey, minimumVersion, revokedKids });
  if (!verified.ok) {
    if (verified.reason === 'rollback') throw notNewer(current?.list.version ?? 0);
    if (verified.reason === 'unrevoked_key') throw revocationUndone(verified.detail);
    throw new DomainError('trust_list_invalid', `The trust list was refused (${verified.reason}): ${verified.detail}.`);
  }
  const list = verified.list;
  if (list.issuer !== config.issuer)
    throw new DomainError('trust_list_invalid', `The trust list is for issuer "${list.issuer}", not "${config.issuer}".`);
  const listed = new Set(list.keys.map((k) => toHex(k.kid)));
  const dropped = [...revokedKids].find((kid) => !listed.has(kid));
  if (dropped) throw revocationUndone(`key ${dropped} is revoked in the installed list and missing from this one`);
  const active = list.keys.find((k) => k.state === 'active');
  if (active && !(await hasSeedFor(config, active))) {
    throw new DomainError(
      'signing_key_missing',
      `SIGNING_KEYS has no seed for the active key ${toHex(active.kid)}; put the secret first, then install the list.`,
    );
  }
  try {
    await db.batch([
      insertTrustList(db, { version: list.version, cose, issuedAt: list.issuedAt, installedAt: now }),
      insertAudit(db, {
        at: now,
        actorType: 'operator',
        actor: operator,
        action: 'trust_list.install',
        detail: {
          version: list.version,
          issuedAt: list.issuedAt,
          nextUpdate: list.nextUpdate,
          keys: list.keys.map((k) => ({ kid: toHex(k.kid), state: k.state, validFrom: k.validFrom, validUntil: k.validUntil ?? null })),
        },
      }),
    ]);
  } catch (err) {
    // A concurrent install of the same version won.
    if (uniqueViolation(err) === 'trust_lists.version') throw notNewer(list.version);
    throw err;
  }
  return list;
}

function revocationUndone(detail: string): DomainError {
  return new DomainError('revocation_undone', `The trust list would undo a key revocation (${detail}); see docs/operations.md.`);
}

function notNewer(current: number): DomainError {
  return new DomainError('trust_list_not_newer', `The trust list must have a version above ${current}, the one installed.`);
}
