import { PhaseSegment } from './group-model';
import { axisTicks, currentPhaseSoFar, segmentAt, timeInPhase } from './timeline';

const segments: PhaseSegment[] = [
  { phase: 'healthy', fromMs: 0, toMs: 60_000 },
  { phase: 'nodata', fromMs: 60_000, toMs: 90_000 },
  { phase: 'degraded', fromMs: 90_000, toMs: 150_000 },
  { phase: 'recovering', fromMs: 150_000, toMs: 180_000 },
];

describe('segmentAt', () => {
  it('finds the segment under a time, including stretches without data', () => {
    expect(segmentAt(segments, 0)?.phase).toBe('healthy');
    expect(segmentAt(segments, 60_000)?.phase).toBe('nodata');
    expect(segmentAt(segments, 179_999)?.phase).toBe('recovering');
    expect(segmentAt(segments, 180_000)).toBeUndefined();
    expect(segmentAt([], 5)).toBeUndefined();
  });
});

describe('timeInPhase', () => {
  it('sums each phase inside the range, longest first, and counts the uncovered start as no data', () => {
    expect(timeInPhase(segments, -30_000, 180_000)).toEqual([
      { phase: 'healthy', seconds: 60 },
      { phase: 'nodata', seconds: 60 },
      { phase: 'degraded', seconds: 60 },
      { phase: 'recovering', seconds: 30 },
    ]);
  });

  it('clips to the range, and the totals add up to it', () => {
    const totals = timeInPhase(segments, 30_000, 120_000);
    expect(totals.reduce((n, t) => n + t.seconds, 0)).toBe(90);
    expect(totals.find((t) => t.phase === 'degraded')?.seconds).toBe(30);
  });
});

describe('axisTicks', () => {
  it('puts round times in the range, at most the number asked', () => {
    const from = Date.UTC(2026, 0, 1, 21, 0, 0);
    expect(axisTicks(from, from + 3600_000, 3).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['21:00', '21:30', '22:00']);
    expect(axisTicks(from + 1, from + 3600_000, 8).length).toBeLessThanOrEqual(8);
    expect(axisTicks(from, from, 3)).toEqual([]);
  });
});

it('currentPhaseSoFar: the last phase with data and how long it has lasted', () => {
  expect(currentPhaseSoFar(segments)).toEqual({ phase: 'recovering', sinceMs: 150_000, seconds: 30 });
  expect(currentPhaseSoFar([...segments, { phase: 'nodata', fromMs: 180_000, toMs: 200_000 }])).toBeUndefined();
});
