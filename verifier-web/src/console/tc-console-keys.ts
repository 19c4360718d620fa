// Keys, read-only: the trust list's version and next update (warned when under a day away), and
// each signing key's state and window, with whether an offline checkpoint accepts its tokens now.
import { html, LitElement, nothing } from 'lit';
import { sharedStyles } from '../components/shared-styles.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { fetchKeys, type KeysView } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { consoleText as c, formatTime } from './messages.ts';

/** Under this many seconds to the next update, the page warns (docs/console.md). */
export const RENEWAL_WARNING_SECONDS = 86_400;

export class TcConsoleKeys extends LitElement {
  static override properties = { view: { state: true }, error: { state: true } };
  declare view: KeysView | undefined;
  declare error: string | undefined;

  static override styles = [sharedStyles, consoleStyles];

  constructor() {
    super();
    new LocaleController(this);
    this.view = undefined;
    this.error = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void fetchKeys().then((r) => {
      if (r.ok) this.view = r.value;
      else this.error = c('console.error', { message: r.message });
    });
  }

  override render() {
    const v = this.view;
    return html`<section data-testid="keys-page">
      <h2>${c('keys.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        v
          ? html`
            <p data-testid="keys-version">${c('keys.version', { version: v.version, issued: formatTime(v.issuedAt) })}</p>
            <p>${c('keys.nextUpdate', { time: formatTime(v.nextUpdate) })}</p>
            ${v.secondsToNextUpdate < RENEWAL_WARNING_SECONDS ? html`<p class="warning" role="alert" data-testid="keys-warning">${c('keys.soon')}</p>` : nothing}
            <table data-testid="keys-table">
              <thead><tr><th scope="col">${c('keys.kid')}</th><th scope="col">${c('keys.state')}</th><th scope="col">${c('keys.window')}</th><th scope="col">${c('keys.offline')}</th></tr></thead>
              <tbody>${v.keys.map(
                (k) =>
                  html`<tr><td><code>${k.kid}</code></td><td>${k.state}</td><td>${formatTime(k.validFrom)} – ${k.validUntil ? formatTime(k.validUntil) : c('keys.open')}</td><td>${k.acceptedOffline ? c('keys.yes') : c('keys.no')}</td></tr>`,
              )}</tbody>
            </table>`
          : html`<p role="status">${c('console.busy')}</p>`
      }
    </section>`;
  }
}

customElements.define('tc-console-keys', TcConsoleKeys);
