// Text entry for pasted codes and for USB/Bluetooth barcode scanners, which "type" the code and
// then press Enter. Enter submits; the field clears and keeps focus for the next person.
import { css, html, LitElement } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * @fires tc-code - detail {text, source: 'manual'} when a code is submitted
 * @fires tc-next - Enter on an empty field: done with the shown result
 */
export class TcManualInput extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      form { display: grid; grid-template-columns: 1fr auto; gap: 0.5rem; align-items: end; }
      label { grid-column: 1 / -1; }
      input { font-family: ui-monospace, monospace; }
    `,
  ];

  constructor() {
    super();
    new LocaleController(this);
  }

  override render() {
    return html`
      <form @submit=${this.submit}>
        <label for="code">${t('scan.manual.label')}</label>
        <input
          id="code"
          data-testid="manual-input"
          name="code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          enterkeyhint="go"
          placeholder=${t('scan.manual.placeholder')}
          maxlength="4000"
        />
        <button type="submit">${t('scan.manual.submit')}</button>
      </form>
    `;
  }

  private get input(): HTMLInputElement {
    return this.renderRoot.querySelector('input')!;
  }

  override focus(): void {
    // The parent may ask before this element's first render.
    void this.updateComplete.then(() => this.input.focus());
  }

  /** Types one character into the field, for keystrokes that arrived while nothing had focus. */
  appendAndFocus(text: string): void {
    this.input.value += text;
    this.input.focus();
  }

  private submit(e: Event): void {
    e.preventDefault();
    const text = this.input.value.trim();
    if (!text) {
      this.dispatchEvent(new CustomEvent('tc-next', { bubbles: true, composed: true }));
      return;
    }
    this.input.value = '';
    this.dispatchEvent(new CustomEvent('tc-code', { detail: { text, source: 'manual' }, bubbles: true, composed: true }));
  }
}

customElements.define('tc-manual-input', TcManualInput);

declare global {
  interface HTMLElementTagNameMap {
    'tc-manual-input': TcManualInput;
  }
}
