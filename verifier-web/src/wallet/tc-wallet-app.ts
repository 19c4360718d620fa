// The holder's wallet (`/wallet`): sign in at the identity provider (a plain form and redirects),
// then show the current code, refresh it when online, keep showing the last one offline until it
// expires, and check in daily. When another phone signs in, this one is told why it lost its code.
import { css, html, LitElement, nothing } from 'lit';
import { SIGN_IN_ERROR_FRAGMENT, type TokenClaims } from '../../../src/index.ts';
import { nowSeconds } from '../check-code.ts';
import { sharedStyles } from '../components/shared-styles.ts';
import { currentLanguage, setLanguage, t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { readTemperature } from '../temperature.ts';
import { type ApiResult, fetchCurrentToken, postCheckin, signOut } from './holder-api.ts';
import { type WalletMessageKey, walletText } from './messages.ts';
import { checkinOutcomeText, greenFromText, progressText, temperatureErrorText } from './status-text.ts';
import { readTokenClaims, tokenNeedsRefresh } from './token-info.ts';
import { forgetWallet, loadWallet, saveWallet, type WalletState } from './wallet-store.ts';
import './tc-enrol-form.ts';
import './tc-wallet-code.ts';

/** Ask the issuer at least this often while online: a status change means a new token. */
const POLL_SECONDS = 300;

export class TcWalletApp extends LitElement {
  static override properties = {
    wallet: { state: true },
    now: { state: true },
    online: { state: true },
    busy: { state: true },
    error: { state: true },
    notice: { state: true },
    checkinError: { state: true },
  };

  declare wallet: WalletState | undefined;
  declare now: number;
  declare online: boolean;
  declare busy: boolean;
  declare error: string | undefined;
  declare notice: string | undefined;
  declare checkinError: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new LocaleController(this);
    this.wallet = loadWallet();
    this.now = nowSeconds();
    this.online = navigator.onLine !== false;
    this.busy = false;
    this.error = undefined;
    this.notice = undefined;
    this.checkinError = undefined;
    this.error = signInErrorFromUrl();
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; min-height: 100vh; background: #fff; color: #111; }
      header { display: flex; align-items: center; gap: 0.5rem; padding: 0.5rem 0.75rem; background: #1f3a5f; color: #fff; }
      h1 { font-size: 1.2rem; margin: 0 auto 0 0; }
      header button { min-height: 44px; background: transparent; border-color: #fff; }
      main { display: grid; gap: 1rem; padding: 1rem 0.75rem; max-width: 30rem; margin: 0 auto; }
      .error { color: #7a1020; font-weight: 600; margin: 0; }
      .notice { background: #eef1f5; padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0; }
      .expired { background: #262626; color: #fff; padding: 1rem; border-radius: 12px; font-size: 1.2rem; font-weight: 700; margin: 0; }
      form { display: grid; gap: 0.6rem; }
      .check { display: flex; gap: 0.6rem; align-items: center; font-weight: 400; }
      .check input { width: 26px; height: 26px; min-height: 0; }
      code { word-break: break-all; background: #eef1f5; padding: 0.5rem; display: block; border-radius: 6px; }
      section { border-top: 2px solid #e3e7ed; padding-top: 0.75rem; }
      h2 { margin: 0 0 0.5rem; font-size: 1.2rem; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOnline);
    this.timer = setInterval(() => this.tick(), 30_000);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOnline);
    if (this.timer) clearInterval(this.timer);
  }

  private readonly onOnline = () => {
    this.online = navigator.onLine !== false;
    if (this.online) void this.refresh();
  };

  private tick(): void {
    this.now = nowSeconds();
    const claims = this.claims();
    const stale = (this.wallet?.fetchedAt ?? 0) + POLL_SECONDS <= this.now;
    if (this.online && (!claims || stale || tokenNeedsRefresh(claims, this.now))) void this.refresh();
  }

  private claims(): TokenClaims | undefined {
    return this.wallet?.token ? readTokenClaims(this.wallet.token) : undefined;
  }

  private w(key: WalletMessageKey, values?: Record<string, string | number>): string {
    return walletText(currentLanguage(), key, values);
  }

  private describeFailure(result: Extract<ApiResult<unknown>, { ok: false }>): string {
    if (result.offline) return this.w('wallet.error.offline');
    if (result.code === 'secret_replaced') return this.w('wallet.error.replaced');
    if (result.status === 401 || result.status === 403) return this.w('wallet.error.auth');
    return this.w('wallet.error', { message: result.message || result.code });
  }

  private store(state: WalletState): void {
    this.wallet = state;
    saveWallet(state);
  }

  /** Asks for the current token with this device's secret cookie, if it has one. */
  async refresh(): Promise<void> {
    if (navigator.onLine === false) return;
    const result = await fetchCurrentToken();
    this.now = nowSeconds();
    if (result.ok) {
      const { token, status, timeZone } = result.value;
      this.store({ token, fetchedAt: this.now, status, timeZone });
      this.error = undefined;
    } else if (!result.offline && result.status === 401) {
      // Signed out here: say why only if this device had a code, or another phone took it.
      if (this.wallet || result.code === 'secret_replaced') this.error = this.describeFailure(result);
      forgetWallet();
      this.wallet = undefined;
    } else if (!result.offline) {
      this.error = this.describeFailure(result);
    }
  }

  private async checkIn(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const symptoms = (form.elements.namedItem('symptoms') as HTMLInputElement).checked;
    const reading = readTemperature((form.elements.namedItem('temperature') as HTMLInputElement).value);
    this.notice = undefined;
    // A temperature that cannot be read is never sent as "none": the holder fixes it first.
    if (!reading.ok) {
      this.checkinError = temperatureErrorText(currentLanguage(), reading);
      return;
    }
    this.checkinError = undefined;
    this.busy = true;
    const result = await postCheckin(reading.celsius === undefined ? { symptoms } : { symptoms, temperature: reading.celsius });
    this.busy = false;
    if (!result.ok) {
      this.error = this.describeFailure(result);
      return;
    }
    this.error = undefined;
    this.notice = checkinOutcomeText(currentLanguage(), result.value);
    if (this.wallet) this.store({ ...this.wallet, status: result.value.status, timeZone: result.value.timeZone });
    await this.refresh(); // a check-in can change the colour
  }

  private renderProgress() {
    const lang = currentLanguage();
    const progress = progressText(lang, this.wallet?.status);
    const greenFrom = greenFromText(lang, this.wallet?.status, this.wallet?.timeZone);
    if (!progress && !greenFrom) return nothing;
    return html`<div data-testid="wallet-progress">
      ${progress ? html`<p><strong>${progress}</strong></p>` : nothing}
      ${greenFrom ? html`<p>${greenFrom}</p>` : nothing}
    </div>`;
  }

  private async signOut(): Promise<void> {
    await signOut();
    forgetWallet();
    this.wallet = undefined;
  }

  override render() {
    const lang = currentLanguage();
    return html`
      <header>
        <h1>${this.w('wallet.title')}</h1>
        <button data-testid="language-switch" lang=${lang === 'en' ? 'zh-CN' : 'en'} aria-label=${t('lang.switchLabel')} @click=${() => setLanguage(lang === 'en' ? 'zh-CN' : 'en')}>
          ${t('lang.switch')}
        </button>
      </header>
      <main>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.wallet ? this.renderWallet() : html`<tc-enrol-form></tc-enrol-form>`}
      </main>
    `;
  }

  private renderWallet() {
    const claims = this.claims();
    const expired = !claims || claims.exp <= this.now;
    return html`
      ${!this.online && !expired ? html`<p class="notice" role="status">${this.w('wallet.offline')}</p>` : nothing}
      ${
        expired
          ? html`<p class="expired" role="alert" data-testid="wallet-expired">${this.w('wallet.expired')}</p>`
          : html`<tc-wallet-code .token=${this.wallet!.token!} .claims=${claims} .now=${this.now}></tc-wallet-code>`
      }
      <button class="secondary" ?disabled=${!this.online} @click=${() => this.refresh()}>${this.w('wallet.refresh')}</button>
      <section>
        <h2>${this.w('wallet.checkin.title')}</h2>
        <form @submit=${this.checkIn}>
          <label class="check"><input type="checkbox" name="symptoms" />${this.w('wallet.checkin.symptoms')}</label>
          <label>${this.w('wallet.checkin.temperature')}<input name="temperature" inputmode="decimal" autocomplete="off" aria-invalid=${this.checkinError ? 'true' : 'false'} /></label>
          ${this.checkinError ? html`<p class="error" role="alert" data-testid="checkin-error">${this.checkinError}</p>` : nothing}
          <button type="submit" data-testid="checkin" ?disabled=${this.busy || !this.online}>${this.w('wallet.checkin.submit')}</button>
        </form>
        ${this.notice ? html`<p class="notice" role="status" data-testid="checkin-outcome">${this.notice}</p>` : nothing}
        ${this.renderProgress()}
      </section>
      <section>
        <h2>${this.w('wallet.device.title')}</h2>
        <p>${this.w('wallet.device.note')}</p>
        <p><button class="secondary" @click=${this.signOut}>${this.w('wallet.signout')}</button></p>
      </section>
    `;
  }
}

/**
 * The callback sends a failed sign-in back as /wallet#sign-in-error=<code> (docs/api.md
 * "Sign-in"): read it once, then drop it from the address bar so a reload does not repeat it.
 */
function signInErrorFromUrl(): string | undefined {
  const code = new RegExp(`^#${SIGN_IN_ERROR_FRAGMENT}=([a-z_]{1,40})$`).exec(location.hash)?.[1];
  if (!code) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  const key: WalletMessageKey = code === 'id_number_invalid' ? 'wallet.error.idNumber' : 'wallet.error.signIn';
  return walletText(currentLanguage(), key, { code });
}

customElements.define('tc-wallet-app', TcWalletApp);

declare global {
  interface HTMLElementTagNameMap {
    'tc-wallet-app': TcWalletApp;
  }
}
