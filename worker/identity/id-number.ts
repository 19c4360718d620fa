// ID number rules (docs/identity.md "ID numbers"). The default is the mainland resident ID of
// GB 11643-1999: 17 digits (6 region, 8 birth date, 3 serial) and a check digit by ISO 7064
// MOD 11-2 (§6.2). A deployment elsewhere sets ID_NUMBER_FORMAT to "pattern:<regex>".

import { normaliseIdNumber } from '../holders/identity.ts';

export type IdNumberRule = { kind: 'gb11643' } | { kind: 'pattern'; pattern: RegExp };

export type IdNumberProblem = 'id_number_malformed' | 'id_number_check_digit';
export type IdNumberCheck = { ok: true; idNumber: string } | { ok: false; reason: IdNumberProblem };

/** The longest ID number any rule may accept (a bound before any regex runs). */
export const ID_NUMBER_MAX_LENGTH = 32;

/** GB 11643-1999 §6.2: W_i = 2^(i-1) mod 11, for the 17 digits from left to right. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;

/** Parses ID_NUMBER_FORMAT: "gb11643" (default) or "pattern:<anchored regex>". */
export function parseIdNumberRule(raw: string | undefined): IdNumberRule | undefined {
  if (!raw || raw === 'gb11643') return { kind: 'gb11643' };
  if (!raw.startsWith('pattern:')) return undefined;
  try {
    const source = raw.slice('pattern:'.length);
    if (!source.startsWith('^') || !source.endsWith('$')) return undefined;
    return { kind: 'pattern', pattern: new RegExp(source, 'u') };
  } catch {
    return undefined;
  }
}

export function checkIdNumber(raw: string, rule: IdNumberRule): IdNumberCheck {
  const idNumber = normaliseIdNumber(raw.slice(0, ID_NUMBER_MAX_LENGTH * 2));
  if (idNumber.length === 0 || idNumber.length > ID_NUMBER_MAX_LENGTH) return { ok: false, reason: 'id_number_malformed' };
  if (rule.kind === 'pattern') return rule.pattern.test(idNumber) ? { ok: true, idNumber } : { ok: false, reason: 'id_number_malformed' };
  if (!/^\d{17}[\dX]$/.test(idNumber) || !isBirthDate(idNumber.slice(6, 14))) return { ok: false, reason: 'id_number_malformed' };
  return idNumber[17] === gb11643CheckDigit(idNumber.slice(0, 17))
    ? { ok: true, idNumber }
    : { ok: false, reason: 'id_number_check_digit' };
}

/** A plain sentence for an operator who typed or imported the number (the reason codes are for sign-in). */
export function idNumberProblem(rule: IdNumberRule, reason: IdNumberProblem): string {
  if (rule.kind === 'pattern') return 'not an ID number this deployment accepts (ID_NUMBER_FORMAT).';
  return reason === 'id_number_check_digit'
    ? 'the check digit does not match the first 17 digits (GB 11643 §6.2); look for a typo.'
    : 'not a resident ID number (GB 11643: 17 digits with a real birth date, then a digit or X).';
}

export function gb11643CheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** YYYYMMDD that names a real calendar day from 1900 on. */
function isBirthDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
