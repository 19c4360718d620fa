// Styles shared by the verifier's and the wallet's elements: large touch targets (48 px), a
// visible focus ring, and colours that meet WCAG AA contrast on their backgrounds.
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  .button {
    font: inherit;
    min-height: 48px;
    padding: 0 1rem;
    border-radius: 8px;
    border: 2px solid #1f3a5f;
    background: #1f3a5f;
    color: #fff;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
  }
  button.secondary,
  .button.secondary {
    background: #fff;
    color: #1f3a5f;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  :focus-visible {
    outline: 3px solid #ff8c00;
    outline-offset: 2px;
  }
  input,
  textarea,
  select {
    font: inherit;
    min-height: 48px;
    padding: 0.5rem 0.75rem;
    border: 2px solid #55606e;
    border-radius: 8px;
    background: #fff;
    color: #111;
    width: 100%;
  }
  label {
    font-weight: 600;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
