// Import with progress: streams the chosen file in chunks (./import-stream.ts) to
// POST /v1/admin/holders/import, one at a time, adding up the Worker's reports. Cancelling aborts
// the chunk in flight; chunks already answered stay applied. Ends with the rejected rows, by file
// line, downloadable as CSV.
import { html, LitElement, nothing } from 'lit';
import { sharedStyles } from '../components/shared-styles.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { postImportChunk } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { chunksOf, fileLineOf, formatOf, rejectionsCsv, secondsLeft } from './import-stream.ts';
import { consoleText as c } from './messages.ts';

interface Totals {
  sent: number;
  applied: number;
  unchanged: number;
  unknown: number;
  rejected: { line: number; error: string }[];
}

/** The page lists this many rejected rows; the CSV download always has all of them. */
const REJECTED_SHOWN = 1000;

const emptyTotals = (): Totals => ({ sent: 0, applied: 0, unchanged: 0, unknown: 0, rejected: [] });

export class TcConsoleImport extends LitElement {
  static override properties = {
    canChange: { type: Boolean },
    totals: { state: true },
    fraction: { state: true },
    eta: { state: true },
    running: { state: true },
    outcome: { state: true },
    error: { state: true },
  };
  declare canChange: boolean;
  declare totals: Totals | undefined;
  declare fraction: number;
  declare eta: number | undefined;
  declare running: boolean;
  declare outcome: 'done' | 'cancelled' | undefined;
  declare error: string | undefined;
  private controller: AbortController | undefined;
  private downloadUrl: string | undefined;

  static override styles = [sharedStyles, consoleStyles];

  constructor() {
    super();
    new LocaleController(this);
    this.canChange = false;
    this.totals = undefined;
    this.fraction = 0;
    this.eta = undefined;
    this.running = false;
    this.outcome = undefined;
    this.error = undefined;
  }

  override disconnectedCallback(): void {
    this.controller?.abort();
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    super.disconnectedCallback();
  }

  private async onStart(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const file = ((e.target as HTMLFormElement).elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (!file) return;
    const format = formatOf(file.name, file.type);
    if (!format) {
      this.error = c('import.badFormat');
      return;
    }
    this.error = undefined;
    this.outcome = undefined;
    this.totals = emptyTotals();
    this.fraction = 0;
    this.eta = undefined;
    this.running = true;
    const controller = new AbortController();
    this.controller = controller;
    const started = performance.now();
    const contentType = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
    try {
      for await (const chunk of chunksOf(file.stream(), format)) {
        const result = await postImportChunk(chunk.body, contentType, controller.signal);
        if (!result.ok) throw new Error(result.message);
        const r = result.value;
        const t: Totals = this.totals;
        this.totals = {
          sent: t.sent + chunk.rows,
          applied: t.applied + r.applied,
          unchanged: t.unchanged + r.unchanged,
          unknown: t.unknown + r.pending,
          rejected: [...t.rejected, ...r.rejected.map((x) => ({ line: fileLineOf(chunk, format, x.line), error: x.error }))],
        };
        this.fraction = file.size > 0 ? chunk.bytesDone / file.size : 1;
        this.eta = secondsLeft(this.fraction, (performance.now() - started) / 1000);
      }
      this.fraction = 1;
      this.eta = 0;
      this.outcome = 'done';
    } catch (err) {
      if (controller.signal.aborted) this.outcome = 'cancelled';
      else
        this.error =
          err instanceof Error && err.message === 'empty_csv'
            ? c('import.emptyCsv')
            : c('import.failed', { message: String((err as Error).message) });
    } finally {
      this.running = false;
      this.controller = undefined;
    }
    this.prepareDownload();
  }

  private prepareDownload(): void {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = this.totals?.rejected.length
      ? URL.createObjectURL(new Blob([rejectionsCsv(this.totals.rejected)], { type: 'text/csv' }))
      : undefined;
    this.requestUpdate();
  }

  override render() {
    if (!this.canChange) return nothing;
    const percent = Math.round(this.fraction * 100);
    return html`<section data-testid="import-page">
      <h2>${c('import.title')}</h2>
      <p>${c('import.intro')}</p>
      <form @submit=${this.onStart}>
        <label>${c('import.file')}<input type="file" name="file" data-testid="import-file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" required /></label>
        <div class="row">
          <button type="submit" data-testid="import-start" ?disabled=${this.running}>${c('import.start')}</button>
          ${this.running ? html`<button type="button" class="secondary" data-testid="import-cancel" @click=${() => this.controller?.abort()}>${c('import.cancel')}</button>` : nothing}
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.totals ? this.renderProgress(this.totals, percent) : nothing}
    </section>`;
  }

  private renderProgress(t: Totals, percent: number) {
    return html`
      <label>${c('import.progress')} <span data-testid="import-percent">${percent} %</span>
        <progress data-testid="import-progress" max="100" value=${percent}></progress>
      </label>
      ${this.running && this.eta !== undefined ? html`<p class="hint">${c('import.eta', { time: `${this.eta} s` })}</p>` : nothing}
      <table data-testid="import-totals">
        <tr><th scope="row">${c('import.sent')}</th><td data-testid="import-sent">${t.sent}</td></tr>
        <tr><th scope="row">${c('import.applied')}</th><td data-testid="import-applied">${t.applied}</td></tr>
        <tr><th scope="row">${c('import.unchanged')}</th><td data-testid="import-unchanged">${t.unchanged}</td></tr>
        <tr><th scope="row">${c('import.unknown')}</th><td data-testid="import-unknown">${t.unknown}</td></tr>
        <tr><th scope="row">${c('import.rejected')}</th><td data-testid="import-rejected">${t.rejected.length}</td></tr>
      </table>
      <p role="status" data-testid="import-outcome">${this.outcome === 'done' ? c('import.done') : this.outcome === 'cancelled' ? c('import.cancelled') : ''}</p>
      ${
        !this.running && t.rejected.length > 0
          ? html`<h3>${c('import.rejectedTitle')}</h3>
            <p><a class="button secondary" data-testid="rejected-download" href=${this.downloadUrl ?? '#'} download="rejected-rows.csv">${c('import.download')}</a></p>
            <table data-testid="rejected-table">
              <thead><tr><th scope="col">${c('import.line')}</th><th scope="col">${c('import.reason')}</th></tr></thead>
              <tbody>${t.rejected.slice(0, REJECTED_SHOWN).map((r) => html`<tr><td>${r.line}</td><td>${r.error}</td></tr>`)}</tbody>
            </table>
            ${t.rejected.length > REJECTED_SHOWN ? html`<p class="hint">${c('import.moreRejected', { shown: REJECTED_SHOWN, total: t.rejected.length })}</p>` : nothing}`
          : nothing
      }`;
  }
}

customElements.define('tc-console-import', TcConsoleImport);
