// The app's language: follows the browser (zh* -> zh-CN, anything else -> English) until the
// person picks one with the switch, which is remembered on this device.
import { EN, type MessageKey } from './messages-en.ts';
import { ZH_CN } from './messages-zh-cn.ts';

export type Language = 'en' | 'zh-CN';
export const LANGUAGES: readonly Language[] = ['en', 'zh-CN'];
const STORAGE_KEY = 'tricolor.language';
const CHANGE_EVENT = 'tc-language-change';

const TABLES: Record<Language, Record<MessageKey, string>> = { en: EN, 'zh-CN': ZH_CN };

export function pickLanguage(preferred: readonly string[], saved: string | null): Language {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fills `{name}` placeholders; a missing value leaves the placeholder visible rather than "undefined". */
export function fillTemplate(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function translateIn(language: Language, key: MessageKey, values?: Record<string, string | number>): string {
  return fillTemplate(TABLES[language][key], values);
}

let current: Language = 'en';

export function initLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage refused (private mode): follow the browser
  }
  applyLanguage(pickLanguage(navigator.languages ?? [navigator.language], saved));
  return current;
}

export function currentLanguage(): Language {
  return current;
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still applied
  }
  applyLanguage(language);
}

function applyLanguage(language: Language): void {
  current = language;
  document.documentElement.lang = language;
  window.dispatchEvent(new CustomEvent(CHANGE_EVENT, { detail: language }));
}

export function t(key: MessageKey, values?: Record<string, string | number>): string {
  return translateIn(current, key, values);
}

export function onLanguageChange(listener: (language: Language) => void): () => void {
  const handler = (e: Event) => listener((e as CustomEvent<Language>).detail);
  window.addEventListener(CHANGE_EVENT, handler);
  return () => window.removeEventListener(CHANGE_EVENT, handler);
}
