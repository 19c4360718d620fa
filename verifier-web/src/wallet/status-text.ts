// What the wallet says about the holder's status and a check-in, from the issuer's answers. Pure,
// so the wording is tested without a browser (test/web/unit/wallet-status-text.test.ts).
import type { Language } from '../i18n/i18n.ts';
import type { TemperatureReading } from '../temperature.ts';
import type { CheckinResponse, HolderStatus } from './holder-api.ts';
import { walletText } from './messages.ts';

/** "3 of 7 clean days" while red or yellow with check-ins required. */
export function progressText(language: Language, status: HolderStatus | undefined): string | undefined {
  if (!status || status.color === 'green' || !status.checkinsRequired) return undefined;
  return walletText(language, 'wallet.progress', { done: status.checkinsDone ?? 0, required: status.checkinsRequired });
}

/** When the holder may turn green, in the issuer's zone, with the zone named. */
export function greenFromText(language: Language, status: HolderStatus | undefined, timeZone: string | undefined): string | undefined {
  if (!status || status.color === 'green' || status.until === undefined || !timeZone) return undefined;
  const time = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(status.until * 1000),
  );
  return walletText(language, 'wallet.greenFrom', { time, zone: timeZone });
}

/** What the issuer did with a check-in: counted or not, and why. */
export function checkinOutcomeText(language: Language, r: CheckinResponse): string {
  if (!r.counted) return walletText(language, 'wallet.checkin.notCounted');
  const what = walletText(language, r.clean ? 'wallet.checkin.counted' : 'wallet.checkin.symptomatic');
  return r.replacedEarlier ? `${what} ${walletText(language, 'wallet.checkin.replaced')}` : what;
}

/** Why a typed temperature was refused (nothing is sent then). */
export function temperatureErrorText(language: Language, reading: Extract<TemperatureReading, { ok: false }>): string {
  return walletText(language, reading.reason === 'out_of_range' ? 'wallet.checkin.outOfRange' : 'wallet.checkin.badTemperature');
}
