// One icon per verdict, so the result never depends on telling colours apart.
import { type SVGTemplateResult, svg } from 'lit';

export type VerdictIconKind = 'green' | 'yellow' | 'red' | 'invalid' | 'refer';

const PATHS: Record<VerdictIconKind, SVGTemplateResult> = {
  // check mark in a circle
  green: svg`<circle cx="32" cy="32" r="28" fill="none" stroke="currentColor" stroke-width="6"/><path d="M18 33l9 9 19-20" fill="none" stroke="currentColor" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>`,
  // exclamation mark in a triangle
  yellow: svg`<path d="M32 6L60 56H4z" fill="none" stroke="currentColor" stroke-width="6" stroke-linejoin="round"/><path d="M32 24v16" stroke="currentColor" stroke-width="7" stroke-linecap="round"/><circle cx="32" cy="48" r="4" fill="currentColor"/>`,
  // cross in an octagon (a stop sign)
  red: svg`<path d="M21 4h22l17 17v22L43 60H21L4 43V21z" fill="none" stroke="currentColor" stroke-width="6" stroke-linejoin="round"/><path d="M22 22l20 20M42 22L22 42" stroke="currentColor" stroke-width="7" stroke-linecap="round"/>`,
  // a circle struck through
  invalid: svg`<circle cx="32" cy="32" r="27" fill="none" stroke="currentColor" stroke-width="6"/><path d="M13 13l38 38" stroke="currentColor" stroke-width="6"/>`,
  // a thermometer
  refer: svg`<path d="M26 38V12a6 6 0 0112 0v26a11 11 0 11-12 0z" fill="none" stroke="currentColor" stroke-width="5"/><circle cx="32" cy="47" r="6" fill="currentColor"/><path d="M32 44V22" stroke="currentColor" stroke-width="5" stroke-linecap="round"/>`,
};

export function verdictIcon(kind: VerdictIconKind): SVGTemplateResult {
  return svg`<svg viewBox="0 0 64 64" width="96" height="96" aria-hidden="true" focusable="false">${PATHS[kind]}</svg>`;
}
