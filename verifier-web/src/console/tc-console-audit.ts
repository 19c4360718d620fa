// The audit log: filter by actor, action, holder and time range, page through the result, and
// export exactly what the filter selects as CSV (GET /v1/admin/audit/export).
import { html, LitElement, nothing } from 'lit';
import { sharedStyles } from '../components/shared-styles.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type AuditEntry, type AuditFilter, auditExportUrl, fetchAudit } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { consoleText as c, formatTime } from './messages.ts';

/** A datetime-local value (the browser's zone) as seconds; undefined when empty. */
export function secondsOf(local: string): number | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export class TcConsoleAudit extends LitElement {
  static override properties = { entries: { state: true }, nextCursor: { state: true }, filter: { state: true }, error: { state: true } };
  declare entries: AuditEntry[];
  declare nextCursor: string | null;
  declare filter: AuditFilter;
  declare error: string | undefined;

  static override styles = [sharedStyles, consoleStyles];

  constructor() {
    super();
    new LocaleController(this);
    this.entries = [];
    this.nextCursor = null;
    this.filter = {};
    this.error = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    const result = await fetchAudit(this.filter, more ? (this.nextCursor ?? undefined) : undefined);
    if (!result.ok) {
      this.error = c('console.error', { message: result.message });
      return;
    }
    this.error = undefined;
    this.entries = more ? [...this.entries, ...result.value.entries] : result.value.entries;
    this.nextCursor = result.value.nextCursor;
  }

  private onFilter(e: SubmitEvent): void {
    e.preventDefault();
    const f = (e.target as HTMLFormElement).elements;
    const value = (name: string) => (f.namedItem(name) as HTMLInputElement).value.trim() || undefined;
    this.filter = {
      actor: value('actor'),
      action: value('action'),
      holderId: value('holderId')?.toLowerCase(),
      from: secondsOf(value('from') ?? ''),
      to: secondsOf(value('to') ?? ''),
    };
    void this.load(false);
  }

  override render() {
    return html`<section data-testid="audit-page">
      <h2>${c('audit.title')}</h2>
      <form @submit=${this.onFilter} data-testid="audit-filter">
        <div class="row">
          <label>${c('audit.actor')}<input name="actor" autocomplete="off" /></label>
          <label>${c('audit.action')}<input name="action" autocomplete="off" placeholder="status.set" /></label>
          <label>${c('audit.holder')}<input name="holderId" autocomplete="off" /></label>
        </div>
        <div class="row">
          <label>${c('audit.from')}<input name="from" type="datetime-local" data-testid="audit-from" /></label>
          <label>${c('audit.to')}<input name="to" type="datetime-local" data-testid="audit-to" /></label>
        </div>
        <div class="row">
          <button type="submit" data-testid="audit-apply">${c('audit.apply')}</button>
          <a class="button secondary" data-testid="audit-export" href=${auditExportUrl(this.filter)} download="tricolor-audit.csv">${c('audit.export')}</a>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.entries.length === 0
          ? html`<p role="status">${c('audit.none')}</p>`
          : html`<table data-testid="audit-table">
              <thead><tr><th scope="col">${c('audit.when')}</th><th scope="col">${c('audit.actor')}</th><th scope="col">${c('audit.action')}</th><th scope="col">${c('audit.holder')}</th><th scope="col">${c('audit.change')}</th><th scope="col">${c('audit.reason')}</th></tr></thead>
              <tbody>${this.entries.map(
                (e) =>
                  html`<tr data-at=${e.at}><td>${formatTime(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.holderId ?? ''}</td><td>${e.to ? `${e.from ?? '–'} → ${e.to}` : ''}</td><td>${e.reason ?? ''}</td></tr>`,
              )}</tbody>
            </table>`
      }
      ${this.nextCursor ? html`<p><button class="secondary" data-testid="audit-more" @click=${() => this.load(true)}>${c('audit.more')}</button></p>` : nothing}
    </section>`;
  }
}

customElements.define('tc-console-audit', TcConsoleAudit);
