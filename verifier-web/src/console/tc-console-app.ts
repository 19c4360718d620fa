// The operator console (`/console`): sign-in, then five sections chosen from the navigation (the
// URL fragment names the section, so Back and bookmarks work). Auditors get the same sections
// without the controls that change data; the Worker refuses those changes anyway.
import { css, html, LitElement, nothing } from 'lit';
import { SIGN_IN_ERROR_FRAGMENT, STAFF_SIGN_IN_START_PATH } from '../../../src/api.ts';
import { sharedStyles } from '../components/shared-styles.ts';
import { currentLanguage, setLanguage, t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type Staff, signIn, signOut, whoAmI } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { type ConsoleMessageKey, consoleText } from './messages.ts';
import './tc-console-dashboard.ts';
import './tc-console-holder.ts';
import './tc-console-import.ts';
import './tc-console-audit.ts';
import './tc-console-keys.ts';

const SECTIONS = ['dashboard', 'holder', 'import', 'audit', 'keys'] as const;
type Section = (typeof SECTIONS)[number];

function sectionOf(hash: string): Section {
  const name = hash.replace(/^#/, '');
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : 'dashboard';
}

/**
 * The provider sign-in's refusal, from /console#sign-in-error=<code> (worker/routes/staff-auth.ts),
 * as a plain message; the fragment is then dropped so a reload does not repeat it.
 */
function signInErrorOf(hash: string): string | undefined {
  const match = new RegExp(`^#${SIGN_IN_ERROR_FRAGMENT}=([a-z_]{1,40})$`).exec(hash);
  if (!match) return undefined;
  history.replaceState(null, '', location.pathname);
  const code = match[1]!;
  if (code === 'staff_role_missing' || code === 'staff_role_unknown') return consoleText(`signin.${code}`);
  return consoleText('signin.failed', { code });
}

export class TcConsoleApp extends LitElement {
  static override properties = {
    staff: { state: true },
    checked: { state: true },
    section: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare staff: Staff | undefined;
  declare checked: boolean;
  declare section: Section;
  declare error: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    new LocaleController(this);
    this.staff = undefined;
    this.checked = false;
    this.section = sectionOf(location.hash);
    this.error = signInErrorOf(location.hash);
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    consoleStyles,
    css`
      :host { min-height: 100vh; background: #fff; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; padding: 0.5rem 1rem; background: #1f3a5f; color: #fff; }
      header h1 { font-size: 1.2rem; margin: 0 auto 0 0; }
      header button { min-height: 40px; background: transparent; border-color: #fff; }
      nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0.5rem 1rem; border-bottom: 2px solid #c9ced6; }
      nav a { display: inline-block; padding: 0.5rem 0.9rem; border-radius: 8px; color: #1f3a5f; font-weight: 600; text-decoration: none; }
      nav a[aria-current='page'] { background: #1f3a5f; color: #fff; }
      main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
      .signin { max-width: 32rem; }
    `,
  ];

  private readonly onHashChange = () => {
    this.section = sectionOf(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.onHashChange);
    void this.restore();
  }

  override disconnectedCallback(): void {
    removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  private c(key: ConsoleMessageKey, values?: Record<string, string | number>): string {
    return consoleText(key, values);
  }

  /** A session cookie from earlier this shift still works: no need to sign in again. */
  private async restore(): Promise<void> {
    const me = await whoAmI();
    this.staff = me.ok ? me.value : undefined;
    this.checked = true;
  }

  private async onSignIn(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    this.busy = true;
    const result = await signIn(input.value);
    this.busy = false;
    // The token goes nowhere else: cleared from the field whatever the answer.
    input.value = '';
    if (!result.ok) {
      this.error = result.status === 401 ? this.c('signin.refused') : this.c('console.error', { message: result.message });
      return;
    }
    this.error = undefined;
    this.staff = { name: result.value.name, role: result.value.role, timeZone: result.value.timeZone };
  }

  private async onSignOut(): Promise<void> {
    await signOut();
    this.staff = undefined;
  }

  override render() {
    const lang = currentLanguage();
    return html`
      <header>
        <h1>${this.c('console.title')}</h1>
        ${
          this.staff
            ? html`<span data-testid="signed-in-as">${this.c('console.signedInAs', { name: this.staff.name, role: this.c(`console.role.${this.staff.role}`) })}</span>
              <button data-testid="sign-out" @click=${this.onSignOut}>${this.c('console.signout')}</button>`
            : nothing
        }
        <button data-testid="language-switch" lang=${lang === 'en' ? 'zh-CN' : 'en'} aria-label=${t('lang.switchLabel')} @click=${() => setLanguage(lang === 'en' ? 'zh-CN' : 'en')}>
          ${t('lang.switch')}
        </button>
      </header>
      ${this.staff ? this.renderNav() : nothing}
      <main>${!this.checked ? html`<p role="status">${this.c('console.busy')}</p>` : this.staff ? this.renderSection(this.staff) : this.renderSignIn()}</main>
    `;
  }

  private renderNav() {
    return html`<nav aria-label=${this.c('console.nav')}>
      <ul>
        ${SECTIONS.filter((s) => s !== 'import' || this.staff?.role === 'operator').map(
          (s) =>
            html`<li><a href="#${s}" data-testid="nav-${s}" aria-current=${s === this.section ? 'page' : 'false'}>${this.c(`console.nav.${s}`)}</a></li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderSection(staff: Staff) {
    const canChange = staff.role === 'operator';
    switch (this.section) {
      case 'holder':
        return html`<tc-console-holder .canChange=${canChange} .timeZone=${staff.timeZone}></tc-console-holder>`;
      case 'import':
        return html`<tc-console-import .canChange=${canChange}></tc-console-import>`;
      case 'audit':
        return html`<tc-console-audit></tc-console-audit>`;
      case 'keys':
        return html`<tc-console-keys></tc-console-keys>`;
      default:
        return html`<tc-console-dashboard></tc-console-dashboard>`;
    }
  }

  private renderSignIn() {
    return html`<section class="signin" data-testid="signin">
      <h2>${this.c('signin.title')}</h2>
      <p>${this.c('signin.intro')}</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="signin-error">${this.error}</p>` : nothing}
      <form method="post" action=${STAFF_SIGN_IN_START_PATH} data-testid="signin-provider">
        <button type="submit">${this.c('signin.provider')}</button>
      </form>
      <h3>${this.c('signin.tokenTitle')}</h3>
      <p>${this.c('signin.tokenIntro')}</p>
      <form @submit=${this.onSignIn}>
        <label>${this.c('signin.token')}<input name="token" type="password" autocomplete="off" required /></label>
        <button type="submit" class="secondary" ?disabled=${this.busy}>${this.c('signin.submit')}</button>
      </form>
    </section>`;
  }
}

customElements.define('tc-console-app', TcConsoleApp);

declare global {
  interface HTMLElementTagNameMap {
    'tc-console-app': TcConsoleApp;
  }
}
