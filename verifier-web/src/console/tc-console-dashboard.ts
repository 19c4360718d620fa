// Dashboard: holders per colour now, today's check-ins against the holders who owe one, and 30
// days of transitions (chart and table) and imports, all from GET /v1/admin/dashboard.
import { html, LitElement, nothing } from 'lit';
import { sharedStyles } from '../components/shared-styles.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import { type DashboardView, fetchDashboard } from './admin-api.ts';
import { consoleStyles } from './console-styles.ts';
import { consoleText as c, formatTime } from './messages.ts';

export class TcConsoleDashboard extends LitElement {
  static override properties = { view: { state: true }, error: { state: true } };
  declare view: DashboardView | undefined;
  declare error: string | undefined;
  private chartSheet: CSSStyleSheet | undefined;
  private destroyChart: (() => void) | undefined;

  static override styles = [sharedStyles, consoleStyles];

  constructor() {
    super();
    new LocaleController(this);
    this.view = undefined;
    this.error = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    this.destroyChart?.();
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    const result = await fetchDashboard();
    if (!result.ok) {
      this.error = c('console.error', { message: result.message });
      return;
    }
    this.error = undefined;
    this.view = result.value;
    await this.updateComplete;
    await this.drawChart();
  }

  private async drawChart(): Promise<void> {
    const target = this.renderRoot.querySelector<HTMLElement>('[data-testid=daily-chart]');
    if (!target || !this.view) return;
    const chart = await import('./daily-chart.ts');
    this.adoptChartStyles(chart.chartStyles);
    this.destroyChart?.();
    target.replaceChildren();
    this.destroyChart = chart.drawDailyChart(
      target,
      this.view.days,
      { toRed: c('dash.toRed'), toYellow: c('dash.toYellow'), toGreen: c('dash.toGreen') },
      Math.max(280, Math.min(900, target.clientWidth || 600)),
    );
  }

  /** uPlot's own stylesheet, adopted into this shadow root (a constructed sheet, no inline <style>). */
  private adoptChartStyles(text: string): void {
    const root = this.renderRoot as ShadowRoot;
    if (this.chartSheet) return;
    this.chartSheet = new CSSStyleSheet();
    this.chartSheet.replaceSync(text);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.chartSheet];
  }

  override render() {
    const v = this.view;
    return html`
      <section data-testid="dashboard">
        <h2>${c('dash.title')}</h2>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${v ? this.renderView(v) : html`<p role="status">${c('console.busy')}</p>`}
        <p><button class="secondary" @click=${() => this.load()}>${c('console.refresh')}</button></p>
      </section>
    `;
  }

  private renderView(v: DashboardView) {
    const recent = [...v.days].reverse();
    return html`
      <p class="hint">${c('dash.asOf', { time: formatTime(v.asOf) })}</p>
      <h3>${c('dash.colors')}</h3>
      <table data-testid="color-counts">
        <tr>${(['green', 'yellow', 'red'] as const).map((col) => html`<th scope="col"><span class="chip ${col}">${c(`color.${col}`)}</span></th>`)}</tr>
        <tr>${(['green', 'yellow', 'red'] as const).map((col) => html`<td data-color=${col}>${v.colors[col].toLocaleString()}</td>`)}</tr>
      </table>
      <h3>${c('dash.checkins')}</h3>
      <p data-testid="checkins-today">${c('dash.checkinsOf', { done: v.checkins.today, due: v.checkins.holdersDue })}</p>
      <h3 id="chart-title">${c('dash.chart')}</h3>
      <div data-testid="daily-chart" role="img" aria-label=${c('dash.chartLabel')}></div>
      <table data-testid="daily-table">
        <thead><tr><th scope="col">${c('dash.day')}</th><th scope="col">${c('dash.toRed')}</th><th scope="col">${c('dash.toYellow')}</th><th scope="col">${c('dash.toGreen')}</th><th scope="col">${c('dash.imports')}</th></tr></thead>
        <tbody>${recent.map((d) => html`<tr><th scope="row">${d.day}</th><td>${d.toRed}</td><td>${d.toYellow}</td><td>${d.toGreen}</td><td>${d.imports} (${d.importApplied})</td></tr>`)}</tbody>
      </table>
    `;
  }
}

customElements.define('tc-console-dashboard', TcConsoleDashboard);
