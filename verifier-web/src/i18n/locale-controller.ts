// Re-renders a Lit element when the language changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { onLanguageChange } from './i18n.ts';

export class LocaleController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = onLanguageChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
