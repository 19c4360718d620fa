// The holder's code: a large QR (error correction M, docs/token-format.md) framed in the status
// colour, with the colour as a word, the masked name and the time left.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import QRCode from 'qrcode';
import type { TokenClaims } from '../../../src/index.ts';
import { sharedStyles } from '../components/shared-styles.ts';
import { formatDateTime, formatDuration } from '../i18n/format.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { walletText } from './messages.ts';

export class TcWalletCode extends LitElement {
  static override properties = {
    token: { type: String },
    claims: { attribute: false },
    now: { type: Number },
  };

  declare token: string;
  declare claims: TokenClaims | undefined;
  declare now: number;

  constructor() {
    super();
    new LocaleController(this);
    this.token = '';
    this.claims = undefined;
    this.now = 0;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      .card { border-radius: 16px; padding: 16px; text-align: center; }
      .green { background: #0b6e2f; color: #fff; }
      .yellow { background: #ffd60a; color: #111; }
      .red { background: #b3001b; color: #fff; }
      .word { font-size: 2.25rem; font-weight: 800; margin: 0 0 0.5rem; }
      canvas { background: #fff; border-radius: 8px; width: min(100%, 340px); height: auto; image-rendering: pixelated; }
      p { margin: 0.4rem 0 0; font-size: 1.1rem; }
      .name { font-size: 1.4rem; font-weight: 700; }
    `,
  ];

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('token') && this.token) {
      const canvas = this.renderRoot.querySelector('canvas');
      if (canvas) void QRCode.toCanvas(canvas, this.token, { errorCorrectionLevel: 'M', margin: 4, width: 340 });
    }
  }

  override render() {
    const c = this.claims;
    if (!c || !this.token) return nothing;
    const lang = currentLanguage();
    const word = walletText(lang, `wallet.color.${c.color}`);
    return html`
      <div class="card ${c.color}" data-testid="wallet-code" data-color=${c.color}>
        <p class="word">${word}</p>
        <canvas data-testid="wallet-qr" role="img" aria-label=${walletText(lang, 'wallet.qrLabel', { color: word })}></canvas>
        ${c.maskedName ? html`<p class="name">${c.maskedName}${c.birthYear !== undefined ? ` · ${walletText(lang, 'wallet.born', { year: c.birthYear })}` : ''}</p>` : nothing}
        <p data-testid="wallet-time-left">${walletText(lang, 'wallet.validFor', { time: formatDuration(c.exp - this.now, lang) })}</p>
        ${c.statusEnds && c.color !== 'green' ? html`<p>${walletText(lang, 'wallet.statusEnds', { time: formatDateTime(c.statusEnds, lang) })}</p>` : nothing}
      </div>
    `;
  }
}

customElements.define('tc-wallet-code', TcWalletCode);

declare global {
  interface HTMLElementTagNameMap {
    'tc-wallet-code': TcWalletCode;
  }
}
