// How old the data is ("revocations updated 3 h ago"; the trust list's age once it is past its
// nextUpdate), whether a sync is running, and warnings that need attention (stale data, clock
// skew). A warning here also stays on every verdict.
import { css, html, LitElement, nothing } from 'lit';
import type { Freshness, Warning } from '../freshness.ts';
import { formatAgo } from '../i18n/format.ts';
import { currentLanguage, t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { describeWarning } from '../warnings-text.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * @fires tc-sync-request - the person asked for an update now
 */
export class TcStatusBar extends LitElement {
  static override properties = {
    freshness: { attribute: false },
    trustListVersion: { type: Number },
    syncing: { type: Boolean },
    online: { type: Boolean },
    syncError: { type: String },
  };

  declare freshness: Freshness | undefined;
  declare trustListVersion: number | undefined;
  declare syncing: boolean;
  declare online: boolean;
  /** Why the last sync failed (a stable reason, e.g. 'revocation feed refused: bad_status_set'), if it did. */
  declare syncError: string | undefined;

  constructor() {
    super();
    new LocaleController(this);
    this.freshness = undefined;
    this.trustListVersion = undefined;
    this.syncing = false;
    this.online = true;
    this.syncError = undefined;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; padding: 0.5rem 0.75rem; background: #eef1f5; color: #1b2430; font-size: 0.95rem; }
      .age { font-weight: 600; }
      .muted { color: #3d4756; }
      .offline { background: #3d4756; color: #fff; border-radius: 4px; padding: 0 0.4rem; }
      button { min-height: 40px; margin-left: auto; font-size: 0.9rem; }
      ul { list-style: none; margin: 0; padding: 0.5rem 0.75rem; background: #fff3cd; color: #3b2a00; border-bottom: 2px solid #8a6d00; font-weight: 600; }
      li::before { content: '⚠ '; }
    `,
  ];

  override render() {
    const lang = currentLanguage();
    const age = this.freshness?.revocationsAgeSeconds;
    const warnings = this.freshness?.warnings ?? [];
    return html`
      <div class="bar" data-testid="status-bar">
        <span class="age" data-testid="data-age">${age === undefined ? t('status.revocationsNever') : t('status.revocations', { ago: formatAgo(age, lang) })}</span>
        ${this.trustListVersion ? this.renderTrustList(this.trustListVersion, warnings) : nothing}
        ${this.online ? nothing : html`<span class="offline">${t('status.offline')}</span>`}
        ${this.syncing ? html`<span class="muted" role="status">${t('status.syncing')}</span>` : nothing}
        ${this.syncError && !this.syncing && this.online ? html`<span class="muted" data-testid="sync-failed" data-error=${this.syncError}>${t('status.syncFailed')}</span>` : nothing}
        <button class="secondary" ?disabled=${this.syncing || !this.online} @click=${this.requestSync}>${t('status.syncNow')}</button>
      </div>
      ${warnings.length ? html`<ul data-testid="data-warnings">${warnings.map((w) => html`<li data-kind=${w.kind}>${describeWarning(w)}</li>`)}</ul>` : nothing}
    `;
  }

  /** "Trust list v4", with its age while overdue; past the limit the age moves into a warning. */
  private renderTrustList(version: number, warnings: readonly Warning[]) {
    const age = this.freshness?.trustListAgeSeconds;
    if (age === undefined || warnings.some((w) => w.kind === 'trust_list_old')) {
      return html`<span class="muted" data-testid="trust-list">${t('status.trustList', { version })}</span>`;
    }
    return html`<span class="age" data-testid="trust-list">${t('status.trustListAged', { version, ago: formatAgo(age, currentLanguage()) })}</span>`;
  }

  private requestSync(): void {
    this.dispatchEvent(new CustomEvent('tc-sync-request', { bubbles: true, composed: true }));
  }
}

customElements.define('tc-status-bar', TcStatusBar);

declare global {
  interface HTMLElementTagNameMap {
    'tc-status-bar': TcStatusBar;
  }
}
