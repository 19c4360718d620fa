// At temperature checkpoints: asks for this person's reading after the code was read, before the
// verdict. Enter submits; Escape cancels.
import { css, html, LitElement, nothing } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { parseTemperature } from '../verdict.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * @fires tc-temperature - detail {celsius}
 * @fires tc-cancel
 */
export class TcTemperaturePrompt extends LitElement {
  static override properties = { invalid: { state: true } };
  declare invalid: boolean;

  constructor() {
    super();
    new LocaleController(this);
    this.invalid = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { position: fixed; inset: 0; z-index: 9; display: grid; place-items: center; background: rgb(0 0 0 / 0.55); }
      form { background: #fff; color: #111; padding: 1.25rem; border-radius: 12px; width: min(26rem, 92vw); display: grid; gap: 0.75rem; }
      input { font-size: 2rem; text-align: center; }
      .row { display: flex; gap: 0.5rem; }
      .row button { flex: 1; }
      p { margin: 0; color: #7a1020; font-weight: 600; }
    `,
  ];

  override firstUpdated(): void {
    this.renderRoot.querySelector('input')!.focus();
  }

  override render() {
    return html`
      <form role="dialog" aria-modal="true" aria-labelledby="label" @submit=${this.submit} @keydown=${this.onKey}>
        <label id="label" for="temp">${t('scan.temperature.prompt')}</label>
        <input id="temp" data-testid="temperature-input" inputmode="decimal" autocomplete="off" aria-invalid=${this.invalid ? 'true' : 'false'} />
        ${this.invalid ? html`<p role="alert">${t('scan.temperature.invalid')}</p>` : nothing}
        <div class="row">
          <button type="button" class="secondary" @click=${this.cancel}>${t('scan.temperature.cancel')}</button>
          <button type="submit">${t('scan.temperature.submit')}</button>
        </div>
      </form>
    `;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') this.cancel();
  }

  private submit(e: Event): void {
    e.preventDefault();
    const celsius = parseTemperature(this.renderRoot.querySelector('input')!.value);
    this.invalid = celsius === undefined;
    if (celsius !== undefined)
      this.dispatchEvent(new CustomEvent('tc-temperature', { detail: { celsius }, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('tc-cancel', { bubbles: true, composed: true }));
  }
}

customElements.define('tc-temperature-prompt', TcTemperaturePrompt);

declare global {
  interface HTMLElementTagNameMap {
    'tc-temperature-prompt': TcTemperaturePrompt;
  }
}
