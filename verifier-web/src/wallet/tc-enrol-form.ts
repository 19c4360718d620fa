// Enrolment (the health declaration) and sign-in with an existing secret.
import { css, html, LitElement } from 'lit';
import { sharedStyles } from '../components/shared-styles.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import type { Enrolment } from './holder-api.ts';
import { type WalletMessageKey, walletText } from './messages.ts';

/**
 * @fires tc-enrol - detail: Enrolment
 * @fires tc-signin - detail: {secret}
 */
export class TcEnrolForm extends LitElement {
  static override properties = { busy: { type: Boolean } };
  declare busy: boolean;

  constructor() {
    super();
    new LocaleController(this);
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      form { display: grid; gap: 0.8rem; }
      fieldset { border: 2px solid #c5ccd6; border-radius: 8px; display: grid; gap: 0.4rem; }
      .check { display: flex; gap: 0.6rem; align-items: center; font-weight: 400; min-height: 44px; }
      .check input { width: 26px; height: 26px; min-height: 0; flex: none; }
      .field { display: grid; gap: 0.25rem; }
      h2 { margin: 0.5rem 0 0; }
    `,
  ];

  override render() {
    const w = (key: WalletMessageKey) => walletText(currentLanguage(), key);
    return html`
      <h2>${w('wallet.enrol.title')}</h2>
      <p>${w('wallet.enrol.intro')}</p>
      <form @submit=${this.enrol} data-testid="enrol-form">
        <label class="field">${w('wallet.name')}<input name="name" required autocomplete="name" maxlength="64" /></label>
        <label class="field">${w('wallet.idNumber')}<input name="idNumber" required autocomplete="off" maxlength="32" /></label>
        <label class="field">${w('wallet.phone')}<input name="phone" type="tel" autocomplete="tel" maxlength="20" /></label>
        <fieldset>
          <legend>${w('wallet.declaration')}</legend>
          <label class="check"><input type="checkbox" name="symptoms" />${w('wallet.symptoms')}</label>
          <label class="check"><input type="checkbox" name="contactWithCase" />${w('wallet.contact')}</label>
          <label class="check"><input type="checkbox" name="fromHighRiskArea" />${w('wallet.highRisk')}</label>
        </fieldset>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? w('wallet.busy') : w('wallet.enrol.submit')}</button>
      </form>
      <h2>${w('wallet.signin.title')}</h2>
      <form @submit=${this.signIn}>
        <label class="field">${w('wallet.signin.label')}<input name="secret" required autocomplete="off" spellcheck="false" /></label>
        <button type="submit" class="secondary" ?disabled=${this.busy}>${w('wallet.signin.submit')}</button>
      </form>
    `;
  }

  private enrol(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    const phone = field('phone').value.trim();
    const enrolment: Enrolment = {
      name: field('name').value.trim(),
      idNumber: field('idNumber').value.trim(),
      ...(phone ? { phone } : {}),
      declaration: {
        symptoms: field('symptoms').checked,
        contactWithCase: field('contactWithCase').checked,
        fromHighRiskArea: field('fromHighRiskArea').checked,
      },
    };
    this.dispatchEvent(new CustomEvent('tc-enrol', { detail: enrolment, bubbles: true, composed: true }));
  }

  private signIn(e: Event): void {
    e.preventDefault();
    const secret = ((e.target as HTMLFormElement).elements.namedItem('secret') as HTMLInputElement).value.trim();
    if (secret) this.dispatchEvent(new CustomEvent('tc-signin', { detail: { secret }, bubbles: true, composed: true }));
  }
}

customElements.define('tc-enrol-form', TcEnrolForm);

declare global {
  interface HTMLElementTagNameMap {
    'tc-enrol-form': TcEnrolForm;
  }
}
