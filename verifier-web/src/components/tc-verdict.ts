// The verdict screen: the whole screen in the result's colour, with an icon and a word, the
// holder's masked name, the times that matter, the reason for a refusal in plain
// words, and any data warning. Tap, Escape or the button dismisses it; so does a timer.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Warning } from '../freshness.ts';
import { formatDateTime } from '../i18n/format.ts';
import { currentLanguage, t } from '../i18n/i18n.ts';
import { LocaleController } from '../i18n/locale-controller.ts';
import type { MessageKey } from '../i18n/messages-en.ts';
import { describeReason } from '../i18n/reasons.ts';
import type { Verdict } from '../verdict.ts';
import { describeWarning } from '../warnings-text.ts';
import { sharedStyles } from './shared-styles.ts';
import { type VerdictIconKind, verdictIcon } from './verdict-icon.ts';

/**
 * @fires tc-dismiss - the person is done with this result (tap, key, button or timer)
 */
export class TcVerdict extends LitElement {
  static override properties = {
    verdict: { attribute: false },
    warnings: { attribute: false },
    resetSeconds: { type: Number },
    remaining: { state: true },
  };

  declare verdict: Verdict | undefined;
  declare warnings: Warning[];
  declare resetSeconds: number;
  declare remaining: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new LocaleController(this);
    this.verdict = undefined;
    this.warnings = [];
    this.resetSeconds = 5;
    this.remaining = 0;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 10;
        display: block;
      }
      .screen {
        height: 100%;
        overflow: auto;
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        gap: 0.75rem;
        padding: 1.5rem 1rem calc(1.5rem + env(safe-area-inset-bottom));
        text-align: center;
        cursor: pointer;
      }
      /* Colour pairs all at or above 4.5:1 (WCAG AA). */
      .green { background: #0b6e2f; color: #fff; }
      .yellow { background: #ffd60a; color: #111; }
      .red { background: #b3001b; color: #fff; }
      .invalid { background: #262626; color: #fff; }
      .refer { background: #ff9d2e; color: #111; }
      .word { font-size: clamp(3rem, 16vw, 6rem); font-weight: 800; letter-spacing: 0.04em; margin: 0; line-height: 1; }
      .action { font-size: 1.5rem; font-weight: 700; margin: 0; }
      .reason { font-size: 1.25rem; max-width: 32rem; margin: 0; }
      /* The binding, large enough to read at arm's length, beside the name. */
      .person { display: flex; flex-wrap: wrap; justify-content: center; align-items: baseline; gap: 0.25rem 1.25rem; margin: 0; }
      .person .name, .person .born { font-size: clamp(2rem, 9vw, 3.25rem); font-weight: 800; line-height: 1.1; font-variant-numeric: tabular-nums; }
      .person .compare { flex-basis: 100%; font-size: 1.05rem; font-weight: 600; }
      dl { display: grid; grid-template-columns: auto auto; gap: 0.25rem 1rem; margin: 0.5rem 0; font-size: 1.125rem; text-align: left; }
      dt { font-weight: 600; }
      dd { margin: 0; font-variant-numeric: tabular-nums; }
      .warnings { list-style: none; padding: 0.5rem 0.75rem; margin: 0; background: #fff; color: #111; border: 3px solid #111; border-radius: 8px; max-width: 32rem; text-align: left; font-weight: 600; }
      .warnings li::before { content: '⚠ '; }
      .next { background: #fff; color: #111; border-color: #111; min-width: 12rem; font-size: 1.25rem; }
      .countdown { font-size: 0.95rem; opacity: 0.9; margin: 0; }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    this.stopTimer();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('verdict') && this.verdict) this.startTimer();
  }

  private startTimer(): void {
    this.stopTimer();
    // Anything but a plain green pass stays up twice as long: staff have something to do.
    const pass = this.verdict?.result === 'valid' && this.verdict.color === 'green';
    this.remaining = Math.round(this.resetSeconds * (pass ? 1 : 2));
    this.timer = setInterval(() => {
      this.remaining -= 1;
      if (this.remaining <= 0) this.dismiss();
    }, 1000);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.dismiss();
  };

  private dismiss(): void {
    this.stopTimer();
    this.dispatchEvent(new CustomEvent('tc-dismiss', { bubbles: true, composed: true }));
  }

  override render() {
    const v = this.verdict;
    if (!v) return nothing;
    const kind: VerdictIconKind = v.result === 'valid' ? v.color! : v.result;
    const lang = currentLanguage();
    const reason = v.reason ? describeReason(v.reason, lang) : undefined;
    const word = t(`verdict.${kind}` as MessageKey);
    const action =
      v.result === 'refer'
        ? t('verdict.refer.action', { temperature: v.temperature!.toFixed(1), threshold: v.feverThreshold!.toFixed(1) })
        : t(`verdict.${kind}.action` as MessageKey);
    return html`
      <section
        class="screen ${kind}"
        data-testid="verdict"
        data-result=${v.result}
        data-color=${v.result === 'valid' ? v.color! : nothing}
        data-reason=${v.reason ?? nothing}
        @click=${this.dismiss}
      >
        ${verdictIcon(kind)}
        <p class="word">${word}${reason ? html`<br /><span class="action">${reason.title}</span>` : nothing}</p>
        <p class="action">${action}</p>
        ${reason ? html`<p class="reason" data-testid="verdict-reason">${reason.sentence}</p>` : nothing}
        ${this.renderPerson(v)}
        ${this.renderDetails(v, lang)}
        ${
          this.warnings.length
            ? html`<ul class="warnings" data-testid="verdict-warnings">${this.warnings.map((w) => html`<li>${describeWarning(w)}</li>`)}</ul>`
            : nothing
        }
        <button class="next">${t('verdict.next')}</button>
        <p class="countdown">${t('verdict.resetsIn', { seconds: Math.max(0, this.remaining) })}</p>
      </section>
    `;
  }

  /** Whose code it is: the masked name and the birth year, for staff to hold against the ID card. */
  private renderPerson(v: Verdict) {
    if (!v.maskedName && v.birthYear === undefined) return nothing;
    return html`<p class="person" data-testid="verdict-person">
      ${v.maskedName ? html`<span class="name" aria-label=${`${t('verdict.name')}: ${v.maskedName}`}>${v.maskedName}</span>` : nothing}
      ${v.birthYear !== undefined ? html`<span class="born" data-testid="verdict-born">${t('verdict.born', { year: v.birthYear })}</span>` : nothing}
      ${v.birthYear !== undefined ? html`<span class="compare">${t('verdict.compareId')}</span>` : nothing}
    </p>`;
  }

  private renderDetails(v: Verdict, lang: ReturnType<typeof currentLanguage>) {
    const rows: [string, string][] = [];
    // Refer keeps the colour the code had; a refused code's colour is not shown, so a revoked
    // "green" can never be read as a pass at a glance.
    if (v.result === 'refer' && v.color) rows.push([t('verdict.colour'), t(`verdict.${v.color}` as MessageKey)]);
    if (v.exp) rows.push([t('verdict.expires'), formatDateTime(v.exp, lang)]);
    if (v.statusEnds && v.color !== 'green') rows.push([t('verdict.statusEnds'), formatDateTime(v.statusEnds, lang)]);
    if (v.temperature !== undefined) rows.push([t('verdict.temperature'), `${v.temperature.toFixed(1)} °C`]);
    if (!rows.length) return nothing;
    return html`<dl>${rows.map(([k, value]) => html`<dt>${k}</dt><dd>${value}</dd>`)}</dl>`;
  }
}

customElements.define('tc-verdict', TcVerdict);

declare global {
  interface HTMLElementTagNameMap {
    'tc-verdict': TcVerdict;
  }
}
