// A short sound and a vibration for each verdict, where the device allows them. Distinct
// patterns, so staff can tell pass from stop without looking.
import type { VerdictResult } from './verdict.ts';

let audio: AudioContext | undefined;

/**
 * Browsers start audio only from a user gesture; a camera read is not one. So the context is
 * created on the person's first tap or key press, and later verdicts can sound.
 */
export function primeAudioOnFirstGesture(): void {
  const prime = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // no audio on this device
    }
  };
  window.addEventListener('pointerdown', prime, { once: true, capture: true });
  window.addEventListener('keydown', prime, { once: true, capture: true });
}

export function giveFeedback(result: VerdictResult, color: string | undefined): void {
  const pass = result === 'valid' && color === 'green';
  try {
    navigator.vibrate?.(pass ? 60 : [180, 90, 180]);
  } catch {
    // vibration refused: fine
  }
  try {
    audio ??= new AudioContext();
    const tones = pass ? [880] : [330, 330];
    for (const [i, frequency] of tones.entries()) beep(audio, frequency, audio.currentTime + i * 0.2, pass ? 0.12 : 0.15);
  } catch {
    // no audio (autoplay policy, no device): the screen still shows the verdict
  }
}

function beep(ctx: AudioContext, frequency: number, start: number, length: number): void {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.2, start);
  gain.gain.exponentialRampToValueAtTime(0.001, start + length);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(start);
  oscillator.stop(start + length);
}
