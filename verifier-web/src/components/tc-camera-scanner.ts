// Camera scanning: rear camera preferred, a torch toggle where the device has one, and the QR
// detector run on downscaled frames a few times a second.
import { css, html, LitElement, nothing } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type CameraSession, openCamera } from '../scanner/camera.ts';
import { loadQrDetector, type QrDetector } from '../scanner/qr-detector.ts';
import { sharedStyles } from './shared-styles.ts';

const FRAME_INTERVAL_MS = 200;
// Enough pixels for a phone-held QR of version 8, small enough for a cheap CPU.
const MAX_FRAME_SIDE = 800;
const REMEMBER_KEY = 'tricolor.camera';

/**
 * @fires tc-code - detail {text, source: 'camera'} for each code seen while not paused
 */
export class TcCameraScanner extends LitElement {
  static override properties = {
    paused: { type: Boolean },
    state: { state: true },
    error: { state: true },
    torchOn: { state: true },
  };

  declare paused: boolean;
  declare state: 'off' | 'starting' | 'on';
  declare error: string | undefined;
  declare torchOn: boolean;
  private session: CameraSession | undefined;
  private detector: QrDetector | undefined;
  private loop: ReturnType<typeof setTimeout> | undefined;
  private readonly canvas = document.createElement('canvas');

  constructor() {
    super();
    new LocaleController(this);
    this.paused = false;
    this.state = 'off';
    this.error = undefined;
    this.torchOn = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      .frame { position: relative; background: #111; border-radius: 8px; overflow: hidden; aspect-ratio: 4 / 3; max-height: 45vh; width: 100%; }
      video { width: 100%; height: 100%; object-fit: cover; display: block; }
      .hint { position: absolute; left: 0; right: 0; bottom: 0; margin: 0; padding: 0.4rem; background: rgb(0 0 0 / 0.6); color: #fff; text-align: center; }
      .controls { display: flex; gap: 0.5rem; margin-top: 0.5rem; }
      .controls button { flex: 1; }
      p.error { color: #7a1020; font-weight: 600; margin: 0.5rem 0 0; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    if (localStorage.getItem(REMEMBER_KEY) === 'on') void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop(false);
  }

  override render() {
    return html`
      ${
        this.state !== 'off'
          ? html`<div class="frame">
            <video muted playsinline autoplay data-testid="camera-video"></video>
            <p class="hint">${this.state === 'starting' ? t('scan.camera.starting') : this.detector ? t('scan.camera.hint') : t('scan.camera.loadingDecoder')}</p>
          </div>`
          : nothing
      }
      <div class="controls">
        ${
          this.state === 'off'
            ? html`<button data-testid="camera-start" @click=${() => this.start()}>${t('scan.camera.start')}</button>`
            : html`<button class="secondary" data-testid="camera-stop" @click=${() => this.stop(true)}>${t('scan.camera.stop')}</button>`
        }
        ${
          this.session?.hasTorch
            ? html`<button class="secondary" aria-pressed=${this.torchOn ? 'true' : 'false'} @click=${this.toggleTorch}>
              ${this.torchOn ? t('scan.torch.off') : t('scan.torch.on')}
            </button>`
            : nothing
        }
      </div>
      ${this.error ? html`<p class="error" role="alert">${t('scan.camera.error', { error: this.error })}</p>` : nothing}
    `;
  }

  async start(): Promise<void> {
    if (this.state !== 'off') return;
    this.state = 'starting';
    this.error = undefined;
    try {
      this.session = await openCamera();
      localStorage.setItem(REMEMBER_KEY, 'on');
    } catch (e) {
      this.state = 'off';
      this.error = e instanceof Error ? e.name : 'error';
      return;
    }
    this.state = 'on';
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video')!;
    video.srcObject = this.session.stream;
    await video.play().catch(() => undefined);
    try {
      this.detector = await loadQrDetector();
      this.requestUpdate();
    } catch {
      this.error = 'decoder';
      return;
    }
    this.scheduleFrame();
  }

  stop(forget: boolean): void {
    if (this.loop) clearTimeout(this.loop);
    this.loop = undefined;
    this.session?.stop();
    this.session = undefined;
    this.torchOn = false;
    this.state = 'off';
    if (forget) localStorage.setItem(REMEMBER_KEY, 'off');
  }

  private async toggleTorch(): Promise<void> {
    try {
      await this.session?.setTorch(!this.torchOn);
      this.torchOn = !this.torchOn;
    } catch {
      // the torch can disappear (another app took it); leave the button as it was
    }
  }

  private scheduleFrame(): void {
    this.loop = setTimeout(() => void this.scanFrame(), FRAME_INTERVAL_MS);
  }

  private async scanFrame(): Promise<void> {
    if (!this.session || !this.detector) return;
    const video = this.renderRoot.querySelector('video');
    if (!this.paused && video && video.readyState >= 2 && video.videoWidth > 0) {
      const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
      this.canvas.width = Math.round(video.videoWidth * scale);
      this.canvas.height = Math.round(video.videoHeight * scale);
      this.canvas.getContext('2d', { willReadFrequently: true })!.drawImage(video, 0, 0, this.canvas.width, this.canvas.height);
      try {
        const [text] = await this.detector.detect(this.canvas);
        if (text && !this.paused)
          this.dispatchEvent(new CustomEvent('tc-code', { detail: { text, source: 'camera' }, bubbles: true, composed: true }));
      } catch {
        // a frame that fails to decode is just a frame without a code
      }
    }
    if (this.session) this.scheduleFrame();
  }
}

customElements.define('tc-camera-scanner', TcCameraScanner);

declare global {
  interface HTMLElementTagNameMap {
    'tc-camera-scanner': TcCameraScanner;
  }
}
