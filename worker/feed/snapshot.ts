// A snapshot built in bounded pieces (docs/feed-privacy.md "Building a snapshot in bounded
// pieces"): for each live window and each epoch with rows, pages of at most `pageRows` indices
// in index order, each a range of window_revocations' primary key, appended to one
// StatusPieceEncoder per (window, epoch). No query reads more than one page; memory holds one
// page and the coded bits.

import { type CodedStatusPiece, MAX_REVOCATION_EPOCH, StatusPieceEncoder } from '../../src/index.ts';
import type { Db } from '../db/client.ts';
import { readNextEpoch, readPiecePage } from '../db/revocations.ts';
import { readWindowDomain } from '../db/window-domains.ts';

export interface SnapshotRange {
  /** The oldest window a verifier still keeps (src/revocation-epoch.ts oldestLiveWindow). */
  fromWindow: number;
  /** The newest window that can have rows: the window of now plus the revocation margin. */
  toWindow: number;
  /** The head sequence: rows written after it are left to the next delta. */
  upTo: number;
  pageRows: number;
}

export async function buildSnapshotPieces(feedDb: Db, r: SnapshotRange): Promise<CodedStatusPiece[]> {
  const pieces: CodedStatusPiece[] = [];
  for (let window = r.fromWindow; window <= r.toWindow; window++) {
    // Rows exist only for windows whose domain was fixed (they are indices over it).
    const domain = (await readWindowDomain(feedDb, window))?.domain;
    if (domain === undefined) continue;
    for (let epoch = await readNextEpoch(feedDb, window, 0); epoch !== undefined; ) {
      const piece = await buildPiece(feedDb, window, epoch, domain, r);
      if (piece.count > 0) pieces.push(piece);
      epoch = epoch < MAX_REVOCATION_EPOCH ? await readNextEpoch(feedDb, window, epoch + 1) : undefined;
    }
  }
  return pieces;
}

async function buildPiece(feedDb: Db, window: number, epoch: number, domain: number, r: SnapshotRange): Promise<CodedStatusPiece> {
  let page = await readPiecePage(feedDb, window, epoch, -1, r.upTo, r.pageRows);
  // The Rice parameter needs the count before coding starts. Indices are uniform over the domain
  // (the permutation sees to that), so a full first page spanning [0, last] estimates it within a
  // few percent; a short first page is the whole piece.
  const last = page[page.length - 1] ?? 0;
  const expected = page.length < r.pageRows ? page.length : Math.round((page.length * domain) / (last + 1));
  const encoder = new StatusPieceEncoder(window, epoch, domain, expected);
  while (page.length > 0) {
    encoder.append(page);
    if (page.length < r.pageRows) break;
    page = await readPiecePage(feedDb, window, epoch, page[page.length - 1]!, r.upTo, r.pageRows);
  }
  return encoder.finish();
}
