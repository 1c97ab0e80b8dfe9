import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_METRICS,
  MEMBER_STATUSES,
  MEMBER_STATUS_COLOURS,
  MEMBER_STATUS_RANK,
  MEMBER_STATUSES_WORST_FIRST,
  METRICS,
  OTLP_MEMBER_METRICS,
  PHASES,
  PHASES_WORST_FIRST,
  PHASE_COLOURS,
  PHASE_RANK,
  RECEIVER_METRICS,
  otlpName,
  seriesName,
  worsePhase,
} from '../index';

// Grafana's named visualization colours (hue × shade); anything else would fall back to a CSS name.
const HUES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'];
const GRAFANA_COLOUR_NAMES = new Set(HUES.flatMap((h) => [`super-light-${h}`, `light-${h}`, h, `semi-dark-${h}`, `dark-${h}`]));

describe('metrics', () => {
  it('have unique Prometheus names in the recovery_ namespace, counters ending in _total', () => {
    const names = ALL_METRICS.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    for (const m of ALL_METRICS) {
      assert.match(m.name, /^recovery_[a-z_]+[a-z]$/, m.name);
      assert.equal(m.type === 'counter', m.name.endsWith('_total'), `${m.name}: only counters end in _total`);
      for (const label of m.labels) assert.match(label, /^[a-z_]+$/, `${m.name} label ${label}`);
      assert.ok(m.help.length > 10 && m.unit.length > 0, m.name);
    }
  });

  it("keep the receivers' counters apart from the derived state (the engine exports METRICS only)", () => {
    for (const m of Object.values(RECEIVER_METRICS)) assert.match(m.name, /^recovery_receiver_/);
    for (const m of Object.values(METRICS)) assert.doesNotMatch(m.name, /^recovery_receiver_/);
  });

  it('have OTLP names that do not collide', () => {
    const names = Object.values(METRICS).map(otlpName);
    assert.equal(new Set(names).size, names.length);
    assert.equal(otlpName(METRICS.episodes), 'recovery.episodes');
    assert.equal(otlpName(METRICS.memberLagSeconds), 'recovery.member.lag_seconds');
  });

  it("name a histogram's series and refuse _bucket on anything else", () => {
    assert.equal(seriesName(METRICS.duration, 'bucket'), 'recovery_duration_seconds_bucket');
    assert.throws(() => seriesName(METRICS.groupPhase, 'bucket'), /only a histogram/);
  });

  it('share an OTLP name between what is read and what is exported only where both mean the same', () => {
    // recovery.member.lag_bytes: bytes behind the leader, gauge, unit By, in both directions.
    const exported = new Set(Object.values(METRICS).map(otlpName));
    assert.deepEqual(
      Object.values(OTLP_MEMBER_METRICS).filter((name) => exported.has(name)),
      [OTLP_MEMBER_METRICS.lagBytes],
    );
    assert.equal(METRICS.memberLagBytes.unit, 'By');
  });
});

describe('phases and statuses', () => {
  it('have one rank each, distinct, healthy (converged) 0 and higher worse', () => {
    assert.deepEqual([...new Set(PHASES.map((p) => PHASE_RANK[p]))].sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(PHASE_RANK.healthy, 0);
    assert.deepEqual(PHASES_WORST_FIRST, ['degraded', 'partial', 'unknown', 'recovering', 'stabilizing', 'healthy']);
    assert.deepEqual([...new Set(MEMBER_STATUSES.map((s) => MEMBER_STATUS_RANK[s]))].sort(), [0, 1, 2, 3, 4]);
    assert.equal(MEMBER_STATUS_RANK.converged, 0);
    assert.deepEqual(MEMBER_STATUSES_WORST_FIRST, ['diverged', 'unreachable', 'unknown', 'lagging', 'converged']);
    assert.equal(worsePhase('recovering', 'unknown'), 'unknown');
    assert.equal(worsePhase('degraded', 'partial'), 'degraded');
  });

  it('have one Grafana colour each; green means healthy and converged only, unknown is never green', () => {
    for (const p of PHASES) assert.ok(GRAFANA_COLOUR_NAMES.has(PHASE_COLOURS[p]), `${p}: ${PHASE_COLOURS[p]}`);
    for (const s of MEMBER_STATUSES) assert.ok(GRAFANA_COLOUR_NAMES.has(MEMBER_STATUS_COLOURS[s]), `${s}: ${MEMBER_STATUS_COLOURS[s]}`);
    assert.deepEqual(
      PHASES.filter((p) => PHASE_COLOURS[p].includes('green')),
      ['healthy'],
    );
    assert.deepEqual(
      MEMBER_STATUSES.filter((s) => MEMBER_STATUS_COLOURS[s].includes('green')),
      ['converged'],
    );
    assert.equal(new Set(PHASES.map((p) => PHASE_COLOURS[p])).size, PHASES.length, 'no two phases share a colour');
  });
});
