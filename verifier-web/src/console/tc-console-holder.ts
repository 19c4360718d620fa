// Holder lookup and appeals: find a holder, read their status, check-in run and full history,
// and (operators only) change the status with a required reason, behind a confirmation that
// says what the change will do at checkpoints.
import { html, LitElement, nothing } from 'lit';
import { localDate, shiftDate } from '../../../src/local-time.ts';
import { sharedStyles } from '../components/shared-styles.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type Color, type HolderView, lookupHolder, type PendingEntry, setHolderStatus } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { consoleText as c, formatTime } from './messages.ts';

const STRICTNESS: Record<Color, number> = { green: 0, yellow: 1, red: 2 };
/** The run shown at most: red isolation is 14 days (src/status-rules.ts DEFAULT_POLICY); older days are in the history. */
const RUN_DAYS_SHOWN = 31;

/** The history newest first, each event with the colour it changed from (the event before it). */
export function timeline(events: HolderView['events']): { event: HolderView['events'][number]; from: Color | undefined }[] {
  const ordered = [...events].sort((a, b) => a.at - b.at || a.id - b.id);
  return ordered.map((event, i) => ({ event, from: ordered[i - 1]?.color })).reverse();
}

/**
 * Day by day (the issuer's days) from the day the current red or yellow status began to today:
 * the check-in that counted that day, if any. Green holders owe no check-ins: no run.
 */
export function checkinRun(
  v: HolderView,
  timeZone: string,
  now: number,
): { day: string; checkin: HolderView['checkins'][number] | undefined }[] {
  if (v.status.color === 'green') return [];
  const first = localDate(v.status.since, timeZone);
  const today = localDate(now, timeZone);
  const byDay = new Map(v.checkins.map((r) => [r.day, r]));
  const days: string[] = [];
  for (let day = today; day >= first && days.length < RUN_DAYS_SHOWN; day = shiftDate(day, -1)) days.unshift(day);
  return days.map((day) => ({ day, checkin: byDay.get(day) }));
}

export class TcConsoleHolder extends LitElement {
  static override properties = {
    canChange: { type: Boolean },
    timeZone: { type: String },
    view: { state: true },
    listed: { state: true },
    error: { state: true },
    notice: { state: true },
    pending: { state: true },
    busy: { state: true },
  };
  declare canChange: boolean;
  declare timeZone: string;
  declare view: HolderView | undefined;
  /** Pending key-people entries of the person found, shown also when nobody has enrolled yet. */
  declare listed: PendingEntry[];
  declare error: string | undefined;
  declare notice: string | undefined;
  /** A change reviewed and waiting for confirmation. */
  declare pending: { color: Color; reason: string } | undefined;
  declare busy: boolean;

  static override styles = [sharedStyles, consoleStyles];

  constructor() {
    super();
    new LocaleController(this);
    this.canChange = false;
    this.timeZone = 'Asia/Shanghai';
    this.view = undefined;
    this.listed = [];
    this.error = undefined;
    this.notice = undefined;
    this.pending = undefined;
    this.busy = false;
  }

  private async find(query: string): Promise<void> {
    this.busy = true;
    const result = await lookupHolder(query);
    this.busy = false;
    this.pending = undefined;
    if (!result.ok) {
      this.view = undefined;
      this.listed = [];
      this.error =
        result.status === 404
          ? c('holder.notFound')
          : result.status === 400
            ? c('holder.queryInvalid', { message: result.message })
            : c('console.error', { message: result.message });
      return;
    }
    this.error = undefined;
    this.view = result.value.holder ?? undefined;
    this.listed = result.value.pending;
  }

  private onSearch(e: SubmitEvent): void {
    e.preventDefault();
    this.notice = undefined;
    const query = ((e.target as HTMLFormElement).elements.namedItem('query') as HTMLInputElement).value;
    void this.find(query);
  }

  private async onReview(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const color = (form.elements.namedItem('color') as HTMLSelectElement).value as Color;
    const reason = (form.elements.namedItem('reason') as HTMLTextAreaElement).value.trim();
    if (!reason) {
      this.error = c('holder.reasonMissing');
      return;
    }
    this.error = undefined;
    this.pending = { color, reason };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-testid=confirm-change]')?.focus();
  }

  /** Escape cancels, as in any dialog; focus goes back to where the change was reviewed. */
  private readonly onConfirmKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') void this.cancelChange();
  };

  private async cancelChange(): Promise<void> {
    this.pending = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-testid=review-change]')?.focus();
  }

  private async onConfirm(): Promise<void> {
    if (!this.view || !this.pending) return;
    this.busy = true;
    const { color, reason } = this.pending;
    const result = await setHolderStatus(this.view.holderId, color, reason);
    this.busy = false;
    this.pending = undefined;
    if (!result.ok) {
      this.error = c('console.error', { message: result.message });
      return;
    }
    this.notice = result.value.changed ? c('holder.changed', { color: c(`color.${color}`) }) : c('holder.unchanged');
    await this.find(this.view.holderId);
  }

  override render() {
    return html`<section data-testid="holder-page">
      <h2>${c('holder.title')}</h2>
      <form @submit=${this.onSearch} role="search">
        <div class="row">
          <label>${c('holder.query')}<input name="query" data-testid="holder-query" autocomplete="off" required aria-describedby="query-hint" /></label>
          <button type="submit" ?disabled=${this.busy}>${c('holder.search')}</button>
        </div>
        <p class="hint" id="query-hint">${c('holder.queryHint')}</p>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status" data-testid="holder-notice">${this.notice}</p>` : nothing}
      ${this.listed.length > 0 && !this.view ? html`<p data-testid="holder-not-enrolled">${c('holder.notEnrolled')}</p>` : nothing}
      ${this.listed.length > 0 ? this.renderPending(this.listed) : nothing}
      ${this.view ? this.renderHolder(this.view) : nothing}
    </section>`;
  }

  /** Key-people rows kept until the person enrols (docs/status-rules.md), with the import they came from. */
  private renderPending(rows: PendingEntry[]) {
    return html`<h3>${c('holder.pending')}</h3>
      <ul data-testid="pending">
        ${rows.map(
          (p) =>
            html`<li data-color=${p.color}>${c('holder.pendingEntry', {
              color: c(`color.${p.color}`),
              reason: p.reason,
              importId: p.importId,
              line: String(p.line),
              when: formatTime(p.createdAt),
              expires: formatTime(p.expiresAt),
            })}</li>`,
        )}
      </ul>`;
  }

  private renderHolder(v: HolderView) {
    const since = v.status.since;
    const run = checkinRun(v, this.timeZone, Math.floor(Date.now() / 1000));
    return html`<article data-testid="holder-view" data-color=${v.status.color}>
      <h3>${c('holder.status')}: <span class="chip ${v.status.color}" data-testid="holder-color">${c(`color.${v.status.color}`)}</span></h3>
      <p>${c('holder.since', { time: formatTime(since) })}${v.status.until ? html` · ${c('holder.until', { time: formatTime(v.status.until) })}` : nothing}</p>
      <p>${c('holder.name')}: ${v.maskedName} · ${c('holder.pseudonym')}: <code data-testid="holder-sub">${v.sub}</code></p>
      <h3>${c('holder.checkins')}</h3>
      ${
        run.length === 0
          ? html`<p>${c('holder.checkinsNone')}</p>`
          : html`<ol data-testid="checkin-run">${run.map(
              ({ day, checkin: r }) =>
                html`<li data-counted=${r ? 'yes' : 'no'}>${day}: ${
                  r
                    ? html`${c('holder.checkinCounted')}${r.symptoms ? html`, ${c('holder.checkinSymptoms')}` : nothing}${r.temperature !== null ? html`, ${r.temperature} °C` : nothing}`
                    : c('holder.checkinMissing')
                }</li>`,
            )}</ol>`
      }
      ${this.canChange ? this.renderChange(v) : nothing}
      <h3>${c('holder.history')}</h3>
      <ol reversed data-testid="history">
        ${timeline(v.events).map(
          ({ event: e, from }) =>
            html`<li>${c('holder.historyEntry', {
              when: formatTime(e.at),
              change: from ? `${c(`color.${from}`)} → ${c(`color.${e.color}`)}` : c(`color.${e.color}`),
              actor: e.actor,
              source: e.source,
              reason: e.reason ?? '',
            })}${e.importId ? html` · <span data-testid="history-import">${c('holder.historyImport', { importId: e.importId })}</span>` : nothing}</li>`,
        )}
      </ol>
    </article>`;
  }

  private renderChange(v: HolderView) {
    const p = this.pending;
    return html`<h3>${c('holder.change')}</h3>
      <form @submit=${this.onReview} data-testid="change-form">
        <div class="row">
          <label>${c('holder.newColor')}
            <select name="color" data-testid="new-color">
              ${(['red', 'yellow', 'green'] as const).map((col) => html`<option value=${col}>${c(`color.${col}`)}</option>`)}
            </select>
          </label>
        </div>
        <label>${c('holder.reason')}<textarea name="reason" data-testid="reason" rows="2" maxlength="500" required></textarea></label>
        <button type="submit" class="secondary" data-testid="review-change" ?disabled=${this.busy}>${c('holder.review')}</button>
      </form>
      ${
        p
          ? html`<div class="warning" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" data-testid="confirm" @keydown=${this.onConfirmKey}>
              <h3 id="confirm-title">${c('holder.confirmTitle')}</h3>
              <p id="confirm-text">${c(STRICTNESS[p.color] > STRICTNESS[v.status.color] ? 'holder.confirmDowngrade' : 'holder.confirmUpgrade', { name: v.maskedName, color: c(`color.${p.color}`) })}</p>
              <div class="row">
                <button data-testid="confirm-change" ?disabled=${this.busy} @click=${this.onConfirm}>${c('holder.confirm', { color: c(`color.${p.color}`) })}</button>
                <button class="secondary" data-testid="cancel-change" @click=${() => this.cancelChange()}>${c('holder.cancel')}</button>
              </div>
            </div>`
          : nothing
      }`;
  }
}

customElements.define('tc-console-holder', TcConsoleHolder);
