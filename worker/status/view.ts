// How a status appears in API responses.

import type { Color, DerivedStatus } from '../../src/index.ts';

export interface StatusView {
  color: Color;
  since: number;
  /** Red/yellow: when the status is due to end if the holder keeps checking in daily. */
  until?: number;
  checkinsDone?: number;
  checkinsRequired?: number;
}

export function statusView(s: DerivedStatus): StatusView {
  const view: StatusView = { color: s.color, since: s.since };
  if (s.color !== 'green') {
    if (s.until !== undefined) view.until = s.until;
    if (s.checkinsDone !== undefined) view.checkinsDone = s.checkinsDone;
    if (s.checkinsRequired !== undefined) view.checkinsRequired = s.checkinsRequired;
  }
  return view;
}
