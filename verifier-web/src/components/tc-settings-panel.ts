// Checkpoint settings: temperature check and threshold, the two stale-data limits (revocations in
// hours, the trust list in days: docs/trust-list.md step 8), reset time, sound.
import { css, html, LitElement } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import type { Settings } from '../settings.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * @fires tc-settings - detail: the edited Settings
 */
export class TcSettingsPanel extends LitElement {
  static override properties = { settings: { attribute: false }, maxStaleHours: { type: Number } };
  declare settings: Settings | undefined;
  /**
   * The trust list's token lifetime in hours: a stale limit past it would let data miss the
   * revocation of every live token (docs/revocation-feed.md "Freshness"), so none is offered.
   */
  declare maxStaleHours: number;

  constructor() {
    super();
    new LocaleController(this);
    this.settings = undefined;
    this.maxStaleHours = 24 * 14;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      form { display: grid; gap: 0.9rem; max-width: 30rem; }
      .check { display: flex; align-items: center; gap: 0.6rem; min-height: 48px; }
      .check input { width: 28px; height: 28px; min-height: 0; }
      .field { display: grid; gap: 0.25rem; }
    `,
  ];

  override render() {
    const s = this.settings;
    if (!s) return html``;
    return html`
      <h2>${t('settings.title')}</h2>
      <form @submit=${this.save}>
        <label class="check"><input type="checkbox" name="temperatureCheck" data-testid="setting-temperature" .checked=${s.temperatureCheck} />${t('settings.temperature')}</label>
        <label class="field">${t('settings.threshold')}<input name="feverThreshold" type="number" step="0.1" min="35" max="42" .value=${String(s.feverThreshold)} /></label>
        <label class="field">${t('settings.staleHours')}<input name="staleAfterHours" type="number" step="0.25" min="0.25" max=${String(this.maxStaleHours)} .value=${String(Math.min(s.staleAfterHours, this.maxStaleHours))} /></label>
        <label class="field">${t('settings.trustListDays')}<input name="trustListMaxAgeDays" type="number" step="1" min="1" max="365" .value=${String(s.trustListMaxAgeDays)} /></label>
        <label class="field">${t('settings.resetSeconds')}<input name="resetSeconds" type="number" step="1" min="1" max="60" .value=${String(s.resetSeconds)} /></label>
        <label class="check"><input type="checkbox" name="feedback" .checked=${s.feedback} />${t('settings.sound')}</label>
        <button type="submit" data-testid="settings-save">${t('settings.save')}</button>
      </form>
    `;
  }

  private save(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    const edited: Settings = {
      ...this.settings!,
      temperatureCheck: value('temperatureCheck').checked,
      feverThreshold: Number(value('feverThreshold').value),
      staleAfterHours: Number(value('staleAfterHours').value),
      trustListMaxAgeDays: Number(value('trustListMaxAgeDays').value),
      resetSeconds: Number(value('resetSeconds').value),
      feedback: value('feedback').checked,
    };
    this.dispatchEvent(new CustomEvent('tc-settings', { detail: edited, bubbles: true, composed: true }));
  }
}

customElements.define('tc-settings-panel', TcSettingsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'tc-settings-panel': TcSettingsPanel;
  }
}
