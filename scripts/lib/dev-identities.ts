// The dev identity provider's people (docs/identity.md "Dev identities"): a few seeded, documented
// identities, and generated ones ("gen-<anything>") for scripts and tests that need many holders.
// Dev environment only: nothing in the product imports this.

export interface DevIdentity {
  /** What you type at the dev provider's sign-in page (and pass to `npm run dev:enrol`). */
  login: string;
  name: string;
  /** GB 11643 resident ID number, check digit included (ISO 7064 MOD 11-2). */
  idNumber: string;
  /** ISO 8601 full date (OpenID Connect Core §5.1 `birthdate`). */
  birthdate: string;
}

/** Every dev identity signs in with this password; the dev provider is never a real one. */
export const DEV_PASSWORD = 'tricolor-dev';

/**
 * Seeded identities. The check digits were computed by hand from GB 11643-1999 §6.2 and are
 * written out, so a slip in the Worker's validator cannot make them agree with it by accident.
 * `bad-check-digit` is the one identity the Worker must refuse (its last digit is off by one).
 */
export const DEV_IDENTITIES: readonly DevIdentity[] = [
  { login: 'wang-xiaoming', name: '王小明', idNumber: '330106199003071236', birthdate: '1990-03-07' },
  { login: 'zhang-san', name: '张三', idNumber: '330102198511200014', birthdate: '1985-11-20' },
  { login: 'li-na', name: '李娜', idNumber: '440304197806150047', birthdate: '1978-06-15' },
  { login: 'chen-jing', name: '陈静', idNumber: '33010820020115003X', birthdate: '2002-01-15' },
  { login: 'ana-lima', name: 'Ana Lima', idNumber: '330105196001010018', birthdate: '1960-01-01' },
  { login: 'bad-check-digit', name: '错号', idNumber: '330106199003071235', birthdate: '1990-03-07' },
];

/** A dev staff member for the console: a name and the role claim's value (docs/console.md "Signing in"). */
export interface DevStaff {
  login: string;
  name: string;
  /** `operator` and `auditor` are the Worker's roles; anything else must be refused. */
  role: string;
}

/** `npm run dev` seeds these; `dev-unknown-role` carries a role the Worker does not know (hostile tests). */
export const DEV_STAFF: readonly DevStaff[] = [
  { login: 'dev-operator', name: 'Dev Operator', role: 'operator' },
  { login: 'dev-auditor', name: 'Dev Auditor', role: 'auditor' },
  { login: 'dev-unknown-role', name: 'Dev Unknown Role', role: 'superuser' },
];

export function devStaff(login: string): DevStaff | undefined {
  return DEV_STAFF.find((s) => s.login === login);
}

const GENERATED = /^gen-[a-z0-9-]{1,40}$/;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A seeded identity, or a generated one for a login "gen-<anything>"; undefined otherwise. */
export function devIdentity(login: string): DevIdentity | undefined {
  const seeded = DEV_IDENTITIES.find((i) => i.login === login);
  if (seeded) return seeded;
  if (!GENERATED.test(login)) return undefined;
  // Deterministic from the login, so signing in twice as "gen-x" reaches the same holder.
  let h = 2166136261;
  for (const ch of login) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const year = 1940 + (h % 70);
  const month = 1 + ((h >>> 8) % 12);
  const day = 1 + ((h >>> 12) % 28);
  const birthdate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const serial = String((h >>> 4) % 1000).padStart(3, '0');
  const body = `330106${birthdate.replaceAll('-', '')}${serial}`;
  return { login, name: `测试${login.slice(4, 8)}`, idNumber: body + gb11643CheckDigit(body), birthdate };
}

/** GB 11643-1999 §6.2 (ISO 7064 MOD 11-2) over the first 17 digits. */
export function gb11643CheckDigit(first17: string): string {
  const sum = [...first17].reduce((acc, c, i) => acc + Number(c) * (WEIGHTS[i] ?? 0), 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}
