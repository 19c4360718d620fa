// The console's own styles on top of the shared ones: a wider layout for desks, tables, and the
// three status colours with text that meets WCAG AA contrast on them.
import { css } from 'lit';

export const consoleStyles = css`
  :host { display: block; color: #111; }
  h2 { font-size: 1.3rem; margin: 0 0 0.75rem; }
  h3 { font-size: 1.05rem; margin: 1rem 0 0.5rem; }
  section { display: grid; gap: 0.75rem; }
  form { display: grid; gap: 0.75rem; max-width: 40rem; }
  .row { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; }
  .row > label { flex: 1 1 12rem; display: grid; gap: 0.25rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #c9ced6; vertical-align: top; }
  th { background: #eef1f5; }
  .error { color: #7a1020; font-weight: 600; margin: 0; }
  .notice { background: #eef1f5; padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0; }
  .warning { background: #fff4d6; border: 2px solid #8a5a00; color: #4d3200; padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0; font-weight: 600; }
  .chip { display: inline-block; padding: 0.1rem 0.6rem; border-radius: 999px; font-weight: 700; }
  .chip.green { background: #0b6b2f; color: #fff; }
  .chip.yellow { background: #ffd23f; color: #111; }
  .chip.red { background: #a3132a; color: #fff; }
  .hint { color: #46505c; font-size: 0.9rem; margin: 0; }
`;
