// The local tally: counts per day, no personal data, exportable as CSV.
import { css, html, LitElement } from 'lit';
import { t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import type { MessageKey } from '../i18n/messages-en.ts';
import { TALLY_BUCKETS, type Tally, tallyToCsv } from '../tally.ts';
import { sharedStyles } from './shared-styles.ts';

export class TcTallyPanel extends LitElement {
  static override properties = { tally: { attribute: false } };
  declare tally: Tally;

  constructor() {
    super();
    new LocaleController(this);
    this.tally = {};
  }

  static override styles = [
    sharedStyles,
    css`
      :host { display: block; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      th, td { border-bottom: 1px solid #c5ccd6; padding: 0.4rem; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      .note { color: #3d4756; }
    `,
  ];

  override render() {
    const days = Object.keys(this.tally).sort().reverse();
    const heading = (b: string) => t(`verdict.${b}` as MessageKey);
    return html`
      <h2>${t('tally.title')}</h2>
      <p class="note">${t('tally.privacy')}</p>
      ${
        days.length
          ? html`<table data-testid="tally">
            <thead><tr><th scope="col">${t('tally.date')}</th>${TALLY_BUCKETS.map((b) => html`<th scope="col">${heading(b)}</th>`)}<th scope="col">${t('tally.total')}</th></tr></thead>
            <tbody>
              ${days.map((day) => {
                const counts = this.tally[day]!;
                const total = TALLY_BUCKETS.reduce((sum, b) => sum + (counts[b] ?? 0), 0);
                return html`<tr><th scope="row">${day}</th>${TALLY_BUCKETS.map((b) => html`<td>${counts[b] ?? 0}</td>`)}<td>${total}</td></tr>`;
              })}
            </tbody>
          </table>`
          : html`<p>${t('tally.empty')}</p>`
      }
      <p><button @click=${this.exportCsv} ?disabled=${!days.length}>${t('tally.export')}</button></p>
    `;
  }

  private exportCsv(): void {
    const url = URL.createObjectURL(new Blob([tallyToCsv(this.tally)], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `tricolor-tally-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

customElements.define('tc-tally-panel', TcTallyPanel);

declare global {
  interface HTMLElementTagNameMap {
    'tc-tally-panel': TcTallyPanel;
  }
}
