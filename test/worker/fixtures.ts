// Fixed instants for the Worker tests. Every test that depends on time pins its own clock
// (createApp({ now })); these only anchor the installed trust list.

/** 2026-03-01T00:00:00Z: the pinned clock most tests start from (00:00 is 08:00 in Asia/Shanghai). */
export const T0 = 1772323200;
export const DAY = 86400;
export const BASE_TRUST_LIST_VERSION = 1;
/** The test signing key's window opens a year before T0, so any pinned clock after it can sign. */
export const KEY_VALID_FROM = T0 - 365 * DAY;
export const LIST_ISSUED_AT = T0 - 365 * DAY;
/**
 * A downgrade at T revokes tokens with iat <= T + 5, and a status's tokens start at since + 6
 * (docs/revocation-feed.md "Worker behaviour"). Written out here, not imported, so a change to
 * the Worker's margin has to be made on purpose in both places.
 */
export const REVOCATION_MARGIN = 5;
/** Token windows are computed from now - 60 s, for read replicas that lag (same doc section). */
export const REPLICA_LAG_ALLOWANCE = 60;
