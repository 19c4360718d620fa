// How a status appears in API responses.

import type { DerivedStatus, StatusView } from '../../src/index.ts';

export type { StatusView };

export function statusView(s: DerivedStatus): StatusView {
  const view: StatusView = { color: s.color, since: s.since };
  if (s.color !== 'green') {
    if (s.until !== undefined) view.until = s.until;
    if (s.checkinsDone !== undefined) view.checkinsDone = s.checkinsDone;
    if (s.checkinsRequired !== undefined) view.checkinsRequired = s.checkinsRequired;
  }
  return view;
}
