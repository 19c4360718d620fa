// The verifier: status bar, the three ways in (camera, photo, typed or scanner text), the verdict
// screen, and the tally and settings panels. Data sync runs beside it and never blocks a scan.
import { css, html, LitElement, nothing } from 'lit';
import { checkCode, nowSeconds } from '../check-code.ts';
import { giveFeedback } from '../feedback.ts';
import { assessFreshness, type Freshness } from '../freshness.ts';
import { currentLanguage, setLanguage, t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import type { MessageKey } from '../i18n/messages-en.ts';
import { describeReason } from '../i18n/reasons.ts';
import { loadSettings, type Settings, saveSettings } from '../settings.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { addToTally, loadTally, localDay, saveTally, type Tally } from '../tally.ts';
import { tallyBucketOf, type Verdict } from '../verdict.ts';
import { sharedStyles } from './shared-styles.ts';
import type { TcManualInput } from './tc-manual-input.ts';
import './tc-camera-scanner.ts';
import './tc-image-scan.ts';
import './tc-manual-input.ts';
import './tc-settings-panel.ts';
import './tc-status-bar.ts';
import './tc-tally-panel.ts';
import './tc-temperature-prompt.ts';
import './tc-verdict.ts';

type View = 'scan' | 'tally' | 'settings';
interface CodeEvent {
  text: string;
  source: 'manual' | 'image' | 'camera';
}

/** A camera still pointed at the same code after "next" must not show it again at once. */
const CAMERA_REPEAT_MS = 3000;

export class TcVerifierApp extends LitElement {
  static override properties = {
    sync: { attribute: false },
    view: { state: true },
    verdict: { state: true },
    pendingText: { state: true },
    announcement: { state: true },
    settings: { state: true },
    tally: { state: true },
    now: { state: true },
    online: { state: true },
    updateReady: { state: true },
  };

  declare sync: SyncService | undefined;
  declare view: View;
  declare verdict: Verdict | undefined;
  declare pendingText: string | undefined;
  declare announcement: string;
  declare settings: Settings;
  declare tally: Tally;
  declare now: number;
  declare online: boolean;
  declare updateReady: boolean;
  private lastCamera = { text: '', at: 0 };
  private clockTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new LocaleController(this);
    this.sync = undefined;
    this.view = 'scan';
    this.verdict = undefined;
    this.pendingText = undefined;
    this.announcement = '';
    this.settings = loadSettings();
    this.tally = loadTally();
    this.now = nowSeconds();
    this.online = navigator.onLine !== false;
    this.updateReady = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 100vh; min-height: 100dvh; background: #fff; color: #111; }
      header { display: flex; align-items: center; gap: 0.5rem; padding: 0.5rem 0.75rem; background: #1f3a5f; color: #fff; }
      h1 { font-size: 1.2rem; margin: 0 auto 0 0; }
      header button { min-height: 44px; background: transparent; border-color: #fff; padding: 0 0.7rem; }
      header button[aria-pressed='true'] { background: #fff; color: #1f3a5f; }
      main { display: grid; gap: 1rem; padding: 1rem 0.75rem; max-width: 40rem; width: 100%; margin: 0 auto; }
      .update { display: flex; gap: 0.75rem; align-items: center; padding: 0.5rem 0.75rem; background: #dbeafe; color: #0b2545; }
      .panel-close { justify-self: start; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.sync?.addEventListener('change', this.onSyncChange);
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOnline);
    window.addEventListener('keydown', this.onGlobalKey);
    window.addEventListener('tc-update-ready', this.onUpdateReady);
    // Re-render the data age every 30 s; cheap, and the status bar stays honest.
    this.clockTimer = setInterval(() => (this.now = nowSeconds()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sync?.removeEventListener('change', this.onSyncChange);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOnline);
    window.removeEventListener('keydown', this.onGlobalKey);
    window.removeEventListener('tc-update-ready', this.onUpdateReady);
    if (this.clockTimer) clearInterval(this.clockTimer);
  }

  override firstUpdated(): void {
    // Desktops and tablets with a keyboard or a scanner gun get the field focused at once; phones
    // would pop up their keyboard over the camera, so they don't.
    if (matchMedia('(any-pointer: fine)').matches) this.manualInput?.focus();
  }

  private readonly onSyncChange = () => {
    this.now = nowSeconds();
    this.requestUpdate();
  };
  private readonly onOnline = () => {
    this.online = navigator.onLine !== false;
    this.now = nowSeconds();
  };
  private readonly onUpdateReady = () => (this.updateReady = true);

  /** Keystrokes from a scanner gun while nothing has focus go into the code field. */
  private readonly onGlobalKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1 || this.view !== 'scan' || this.pendingText) return;
    const path = e.composedPath();
    if (path.some((n) => n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement || n instanceof HTMLSelectElement)) return;
    e.preventDefault();
    this.manualInput?.appendAndFocus(e.key);
  };

  private get manualInput(): TcManualInput | null {
    return this.renderRoot.querySelector('tc-manual-input');
  }

  private freshness(): Freshness {
    const snap = this.sync?.snapshot;
    return assessFreshness({
      now: this.now,
      list: snap?.list,
      revocationsSignedAt: snap?.revocations?.signedAt,
      restoredAt: snap?.revocations?.restoredAt,
      clockOffsetSeconds: snap?.clockOffsetSeconds,
      staleAfterSeconds: this.settings.staleAfterHours * 3600,
      trustListMaxAgeSeconds: this.settings.trustListMaxAgeDays * 86400,
    });
  }

  private onCode(e: CustomEvent<CodeEvent>): void {
    const { text, source } = e.detail;
    if (source === 'camera') {
      if (this.verdict || this.pendingText) return;
      if (text === this.lastCamera.text && Date.now() - this.lastCamera.at < CAMERA_REPEAT_MS) return;
      this.lastCamera = { text, at: Date.now() };
    }
    if (this.settings.temperatureCheck) {
      this.verdict = undefined;
      this.pendingText = text;
      return;
    }
    void this.showVerdict(text);
  }

  private async showVerdict(text: string, celsius?: number): Promise<void> {
    performance.clearMarks('tc:decoded');
    performance.mark('tc:decoded');
    this.verdict = undefined;
    this.now = nowSeconds();
    const snap = this.sync?.snapshot;
    const temperature = celsius === undefined ? undefined : { celsius, threshold: this.settings.feverThreshold };
    const verdict = await checkCode(
      text,
      { list: snap?.list, revoked: snap?.revocations?.state.sets, revokedKids: snap?.revokedKids },
      this.now,
      temperature,
    );
    this.verdict = verdict;
    this.announcement = this.announce(verdict);
    await this.updateComplete;
    // docs/verifier.md budget: decoded text -> verdict on screen. Measured after the next frame is painted.
    requestAnimationFrame(() => setTimeout(() => performance.measure('tc:verdict', 'tc:decoded'), 0));
    if (this.settings.feedback) giveFeedback(verdict.result, verdict.color);
    this.tally = addToTally(this.tally, localDay(new Date()), tallyBucketOf(verdict));
    saveTally(this.tally);
  }

  private announce(v: Verdict): string {
    if (v.result === 'invalid') return t('verdict.announce.invalid', { reason: describeReason(v.reason!, currentLanguage()).sentence });
    const kind = v.result === 'valid' ? v.color! : 'refer';
    const action =
      v.result === 'refer'
        ? t('verdict.refer.action', { temperature: v.temperature!.toFixed(1), threshold: v.feverThreshold!.toFixed(1) })
        : t(`verdict.${kind}.action` as MessageKey);
    return t('verdict.announce.valid', { word: t(`verdict.${kind}` as MessageKey), action }) + (v.maskedName ? ` ${v.maskedName}` : '');
  }

  private dismissVerdict(): void {
    if (!this.verdict) return;
    this.verdict = undefined;
    this.announcement = '';
    this.lastCamera.at = Date.now();
    if (matchMedia('(any-pointer: fine)').matches) this.manualInput?.focus();
  }

  private onTemperature(e: CustomEvent<{ celsius: number }>): void {
    const text = this.pendingText;
    this.pendingText = undefined;
    if (text) void this.showVerdict(text, e.detail.celsius);
  }

  private onSettings(e: CustomEvent<Settings>): void {
    this.settings = saveSettings(e.detail);
    this.view = 'scan';
  }

  private toggleView(view: View): void {
    this.view = this.view === view ? 'scan' : view;
  }

  private applyUpdate(): void {
    window.dispatchEvent(new Event('tc-apply-update'));
  }

  override render() {
    const snap = this.sync?.snapshot;
    const freshness = this.freshness();
    const lang = currentLanguage();
    return html`
      <header>
        <h1>${t('app.title')}</h1>
        <button aria-pressed=${this.view === 'tally' ? 'true' : 'false'} @click=${() => this.toggleView('tally')}>${t('menu.tally')}</button>
        <button aria-pressed=${this.view === 'settings' ? 'true' : 'false'} @click=${() => this.toggleView('settings')}>${t('menu.settings')}</button>
        <button data-testid="language-switch" lang=${lang === 'en' ? 'zh-CN' : 'en'} aria-label=${t('lang.switchLabel')} @click=${() => setLanguage(lang === 'en' ? 'zh-CN' : 'en')}>
          ${t('lang.switch')}
        </button>
      </header>
      ${
        this.updateReady
          ? html`<div class="update" role="status">${t('update.ready')} <button class="secondary" @click=${this.applyUpdate}>${t('update.reload')}</button></div>`
          : nothing
      }
      <tc-status-bar
        .freshness=${freshness}
        .trustListVersion=${snap?.list?.version}
        .syncing=${snap?.syncing ?? false}
        .online=${this.online}
        .syncError=${snap?.lastError}
        @tc-sync-request=${() => void this.sync?.syncNow()}
      ></tc-status-bar>
      <main @tc-code=${this.onCode} @tc-next=${this.dismissVerdict}>
        ${
          this.view === 'scan'
            ? html`
              <tc-camera-scanner .paused=${Boolean(this.verdict || this.pendingText)}></tc-camera-scanner>
              <tc-image-scan></tc-image-scan>
              <tc-manual-input></tc-manual-input>
            `
            : html`
              <button class="secondary panel-close" @click=${() => (this.view = 'scan')}>${t('menu.close')}</button>
              ${
                this.view === 'tally'
                  ? html`<tc-tally-panel .tally=${this.tally}></tc-tally-panel>`
                  : html`<tc-settings-panel .settings=${this.settings} .maxStaleHours=${(snap?.list?.maxTokenLifetime ?? 24 * 14 * 3600) / 3600} @tc-settings=${this.onSettings}></tc-settings-panel>`
              }
            `
        }
      </main>
      ${
        this.pendingText
          ? html`<tc-temperature-prompt @tc-temperature=${this.onTemperature} @tc-cancel=${() => (this.pendingText = undefined)}></tc-temperature-prompt>`
          : nothing
      }
      ${
        this.verdict
          ? html`<tc-verdict .verdict=${this.verdict} .warnings=${freshness.warnings} .resetSeconds=${this.settings.resetSeconds} @tc-dismiss=${this.dismissVerdict}></tc-verdict>`
          : nothing
      }
      <div class="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="announcer">${this.announcement}</div>
    `;
  }
}

customElements.define('tc-verifier-app', TcVerifierApp);

declare global {
  interface HTMLElementTagNameMap {
    'tc-verifier-app': TcVerifierApp;
  }
}
