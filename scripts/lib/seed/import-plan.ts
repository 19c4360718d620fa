// A key-people import file over a seeded D1 (seed.ts) where the fate of every row is known in
// advance: applied (a green holder downgraded), unchanged (a red holder listed as red), pending
// (an ID number nobody enrolled, kept until that person enrols) or rejected (a malformed line). A plan can cover one range of
// the seed's holders, so two files over disjoint ranges are the same import for different people. Shuffled with a fixed seed and
// split into requests of at most 5000 rows (the route's limit, worker/tunables.ts), each with the
// counts its report must show.
import { idNumberOf } from './holders.ts';
import { colorOf, type SeedPlan } from './plan.ts';

export type Fate = 'applied' | 'unchanged' | 'pending' | 'rejected';

export interface ImportChunk {
  csv: string;
  rows: number;
  expected: Record<Fate, number>;
  /** Seed indexes of the holders this chunk downgrades, with the colour it gives them. */
  downgrades: { holder: number; color: 'red' | 'yellow' }[];
}

export interface ImportPlan {
  rows: number;
  chunks: ImportChunk[];
}

export const MAX_ROWS_PER_REQUEST = 5000;

interface PlannedRow {
  line: string;
  fate: Fate;
  downgrade?: { holder: number; color: 'red' | 'yellow' };
}

/** mulberry32: a small seeded PRNG, so every run imports the same file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlanOptions {
  /** The holders the file is about: seed indexes [offset, offset + size). Default: all of them. */
  offset?: number;
  size?: number;
  /** Prefix of this file's not-enrolled and malformed ID numbers, so two files never share one. */
  tag?: string;
  maxRowsPerRequest?: number;
}

export function buildImportPlan(seed: SeedPlan, rows: number, o: PlanOptions = {}): ImportPlan {
  const offset = o.offset ?? 0;
  const range = Array.from({ length: o.size ?? seed.holders - offset }, (_, k) => offset + k);
  const tag = o.tag ?? 'U';
  const greens = range.filter((i) => colorOf(seed, i) === 'green');
  const applied = Math.min(greens.length, Math.round(rows * 0.9));
  const downgraded = new Set(greens.slice(0, applied));
  // Listed with the colour they already have: stricter holders first, then greens not downgraded.
  const others = [...range.filter((i) => colorOf(seed, i) !== 'green'), ...greens.slice(applied)];
  const unchanged = Math.min(others.length, Math.round(rows * 0.05));
  const rejected = Math.round(rows * 0.01);
  const pending = rows - applied - unchanged - rejected;
  if (pending < 0) throw new Error(`${range.length} holders cannot fill a ${rows}-row import`);
  const planned: PlannedRow[] = [];
  for (const [k, holder] of [...downgraded].entries()) {
    const color = k % 2 === 0 ? 'red' : 'yellow';
    planned.push({ line: `${idNumberOf(holder)},${color},"big-data list, match ${k}"`, fate: 'applied', downgrade: { holder, color } });
  }
  for (const holder of others.slice(0, unchanged))
    planned.push({ line: `${idNumberOf(holder)},${colorOf(seed, holder)},already listed`, fate: 'unchanged' });
  for (let k = 0; k < pending; k++) planned.push({ line: `${tag}${String(k).padStart(9, '0')}X,yellow,not enrolled`, fate: 'pending' });
  const malformed = [
    (k: number) => `${tag}R${k}X,purple,bad colour`,
    (k: number) => `${tag}R${k};X,red,bad id`,
    (k: number) => `${tag}R${k}X,red`,
    (k: number) => `"${tag}R${k}X,red,unterminated`,
  ];
  for (let k = 0; k < rejected; k++) planned.push({ line: malformed[k % malformed.length]!(k), fate: 'rejected' });

  const next = random(20_261_127);
  for (let i = planned.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [planned[i], planned[j]] = [planned[j]!, planned[i]!];
  }
  const chunks: ImportChunk[] = [];
  const perRequest = o.maxRowsPerRequest ?? MAX_ROWS_PER_REQUEST;
  for (let start = 0; start < planned.length; start += perRequest) {
    const part = planned.slice(start, start + perRequest);
    const expected: Record<Fate, number> = { applied: 0, unchanged: 0, pending: 0, rejected: 0 };
    for (const row of part) expected[row.fate]++;
    chunks.push({
      csv: `${['idNumber,color,reason', ...part.map((r) => r.line)].join('\n')}\n`,
      rows: part.length,
      expected,
      downgrades: part.flatMap((r) => (r.downgrade ? [r.downgrade] : [])),
    });
  }
  return { rows: planned.length, chunks };
}
