// A staff member's ID token (docs/console.md "Signing in"): every check of the holders' ID token
// (./id-token.ts, OpenID Connect Core §3.1.3.7), then the role from the configured claim, which
// must be exactly `operator` or `auditor`, and the name the audit log records.

import type { Role } from '../config.ts';
import { type IdTokenChecks, type IdTokenReason, verifyIdTokenPayload } from './id-token.ts';

export type StaffTokenReason = IdTokenReason | 'staff_role_missing' | 'staff_role_unknown';

export interface VerifiedStaff {
  name: string;
  role: Role;
}

export type StaffTokenResult = { ok: true; staff: VerifiedStaff } | { ok: false; reason: StaffTokenReason };

export interface StaffTokenExpectations extends IdTokenChecks {
  roleClaim: string;
  nameClaim: string;
}

const ROLES: readonly string[] = ['operator', 'auditor'] satisfies Role[];
/** Staff names are audit actors, like OPERATOR_TOKENS names (at most 64 characters). */
export const STAFF_NAME_MAX_LENGTH = 64;

export async function verifyStaffIdToken(token: string, x: StaffTokenExpectations): Promise<StaffTokenResult> {
  const verified = await verifyIdTokenPayload(token, x);
  if (!verified.ok) return verified;
  const role = verified.payload[x.roleClaim];
  if (role === undefined || role === null || role === '') return { ok: false, reason: 'staff_role_missing' };
  if (typeof role !== 'string' || !ROLES.includes(role)) return { ok: false, reason: 'staff_role_unknown' };
  const name = verified.payload[x.nameClaim];
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > STAFF_NAME_MAX_LENGTH)
    return { ok: false, reason: 'id_token_claims' };
  return { ok: true, staff: { name: name.trim(), role: role as Role } };
}
