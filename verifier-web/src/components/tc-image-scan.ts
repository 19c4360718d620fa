// "Scan a photo": pick an image file (or take a photo) and read the QR code in it.
import { css, html, LitElement, nothing } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { decodeImageFile } from '../scanner/decode-image.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * @fires tc-code - detail {text, source: 'image'} when a code was found in the picked image
 */
export class TcImageScan extends LitElement {
  static override properties = { message: { state: true }, busy: { state: true } };
  declare message: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    new LocaleController(this);
    this.message = undefined;
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      input { position: absolute; opacity: 0; width: 1px; height: 1px; }
      label.button { width: 100%; font-weight: 600; }
      input:focus-visible + label { outline: 3px solid #ff8c00; outline-offset: 2px; }
      p { margin: 0.5rem 0 0; color: #7a1020; font-weight: 600; }
    `,
  ];

  override render() {
    return html`
      <input id="file" type="file" accept="image/*" data-testid="image-input" @change=${this.pick} ?disabled=${this.busy} />
      <label class="button secondary" for="file">${this.busy ? t('scan.camera.loadingDecoder') : t('scan.image')}</label>
      ${this.message ? html`<p role="alert">${this.message}</p>` : nothing}
    `;
  }

  private async pick(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = ''; // picking the same photo again must fire change again
    if (!file) return;
    this.busy = true;
    this.message = undefined;
    try {
      const decoded = await decodeImageFile(file);
      if (decoded.ok)
        this.dispatchEvent(new CustomEvent('tc-code', { detail: { text: decoded.text, source: 'image' }, bubbles: true, composed: true }));
      else this.message = decoded.error === 'no_code' ? t('scan.image.none') : t('scan.image.error');
    } catch {
      this.message = t('scan.image.error');
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('tc-image-scan', TcImageScan);

declare global {
  interface HTMLElementTagNameMap {
    'tc-image-scan': TcImageScan;
  }
}
