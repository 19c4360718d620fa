// Plain-word texts for the data warnings (freshness.ts), shared by the status bar and the verdict.
import type { Warning } from './freshness.ts';
import { formatDuration } from './i18n/format.ts';
import { currentLanguage, t } from './i18n/i18n.ts';

export function describeWarning(warning: Warning): string {
  const lang = currentLanguage();
  switch (warning.kind) {
    case 'no_trust_list':
      return t('warn.noTrustList');
    case 'no_revocations':
      return t('warn.noRevocations');
    case 'stale':
      return t('warn.stale', { age: formatDuration(warning.ageSeconds, lang) });
    case 'issuer_restored':
      return t('warn.issuerRestored', { age: formatDuration(warning.ageSeconds, lang) });
    case 'trust_list_old':
      return t('warn.trustListOld', { age: formatDuration(warning.ageSeconds, lang) });
    case 'clock_ahead':
      return t('warn.clockAhead', { amount: formatDuration(warning.seconds, lang) });
    case 'clock_behind':
      return t('warn.clockBehind', { amount: formatDuration(warning.seconds, lang) });
  }
}
