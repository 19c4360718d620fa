// Enrolment: the health declaration, sent with a plain HTML form to POST /v1/auth/start, which
// redirects to the identity provider's sign-in page (docs/identity.md "Flow"). No script takes
// part in the redirect, and no ID number or secret ever passes through this page.
import { css, html, LitElement } from 'lit';
import { SIGN_IN_START_PATH } from '../../../src/index.ts';
import { sharedStyles } from '../components/shared-styles.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type WalletMessageKey, walletText } from './messages.ts';

export class TcEnrolForm extends LitElement {
  constructor() {
    super();
    new LocaleController(this);
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      form { display: grid; gap: 0.8rem; }
      fieldset { border: 2px solid #c5ccd6; border-radius: 8px; display: grid; gap: 0.4rem; }
      .check { display: flex; gap: 0.6rem; align-items: center; font-weight: 400; min-height: 44px; }
      .check input { width: 26px; height: 26px; min-height: 0; flex: none; }
      h2 { margin: 0.5rem 0 0; }
    `,
  ];

  override render() {
    const w = (key: WalletMessageKey) => walletText(currentLanguage(), key);
    return html`
      <h2>${w('wallet.enrol.title')}</h2>
      <p>${w('wallet.enrol.intro')}</p>
      <form method="post" action=${SIGN_IN_START_PATH} data-testid="enrol-form">
        <fieldset>
          <legend>${w('wallet.declaration')}</legend>
          <label class="check"><input type="checkbox" name="symptoms" />${w('wallet.symptoms')}</label>
          <label class="check"><input type="checkbox" name="contactWithCase" />${w('wallet.contact')}</label>
          <label class="check"><input type="checkbox" name="fromHighRiskArea" />${w('wallet.highRisk')}</label>
        </fieldset>
        <button type="submit">${w('wallet.enrol.submit')}</button>
      </form>
    `;
  }
}

customElements.define('tc-enrol-form', TcEnrolForm);

declare global {
  interface HTMLElementTagNameMap {
    'tc-enrol-form': TcEnrolForm;
  }
}
