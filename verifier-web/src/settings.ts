// Checkpoint settings, kept on this device. Defaults follow docs/verifier.md (37.3 °C).
import { FEVER_THRESHOLD_CELSIUS } from '../../src/index.ts';
import { DEFAULT_FEVER_THRESHOLD } from './verdict.ts';

export interface Settings {
  temperatureCheck: boolean;
  feverThreshold: number;
  /** Past this age the revocation data turns into a warning on every verdict. */
  staleAfterHours: number;
  /** Past this age the trust list itself is flagged (docs/trust-list.md step 8). */
  trustListMaxAgeDays: number;
  resetSeconds: number;
  feedback: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  temperatureCheck: false,
  feverThreshold: DEFAULT_FEVER_THRESHOLD,
  staleAfterHours: 12,
  trustListMaxAgeDays: 30,
  resetSeconds: 5,
  feedback: true,
};

const STORAGE_KEY = 'tricolor.settings';

/** Merges what was saved over the defaults, dropping anything of the wrong type or out of range. */
export function normalizeSettings(raw: unknown): Settings {
  const saved = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof Settings, unknown>>;
  const num = (value: unknown, min: number, max: number, fallback: number) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
  const bool = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
  const d = DEFAULT_SETTINGS;
  return {
    temperatureCheck: bool(saved.temperatureCheck, d.temperatureCheck),
    feverThreshold: num(saved.feverThreshold, FEVER_THRESHOLD_CELSIUS.min, FEVER_THRESHOLD_CELSIUS.max, d.feverThreshold),
    staleAfterHours: num(saved.staleAfterHours, 0.25, 24 * 14, d.staleAfterHours),
    trustListMaxAgeDays: num(saved.trustListMaxAgeDays, 1, 365, d.trustListMaxAgeDays),
    resetSeconds: num(saved.resetSeconds, 1, 60, d.resetSeconds),
    feedback: bool(saved.feedback, d.feedback),
  };
}

export function loadSettings(): Settings {
  try {
    return normalizeSettings(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(settings: Settings): Settings {
  const clean = normalizeSettings(settings);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(clean));
  } catch {
    // kept for this session only
  }
  return clean;
}
