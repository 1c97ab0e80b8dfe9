// The preview page: the built module.js inside the real @grafana/ui theme, fed frames shaped exactly
// as Grafana's Prometheus data source shapes them — from fixture scenarios, or live from serve.mjs.
import { DataFrame, EventBusSrv, FieldType, LoadingState, PanelData, PanelPlugin, createTheme, dateTime, getDisplayProcessor } from '@grafana/data';
import { BigValue, BigValueColorMode, BigValueGraphMode, GlobalStyles, ThemeContext } from '@grafana/ui';
import React from 'react';
import { flushSync } from 'react-dom';
import { Root, createRoot } from 'react-dom/client';

import { panelModel } from '../../src/model/panel-model';
import { PromQueryResult, framesForPanel } from '../../src/testing/prometheus-frames';
import { scenarioGroups, scenarioQuery } from '../../src/testing/scenarios';
import { registerOptionEditorsOutsideGrafana } from '../../src/testing/option-editors';
import { PreviewPanelDataErrorView } from './error-view';
import { loadPluginModule } from './shared-modules';
// Internal to @grafana/runtime (Grafana core calls it at start-up); build-host.mjs points this at the file.
import { setPanelDataErrorView } from 'grafana-runtime-internal-error-view';

setPanelDataErrorView(PreviewPanelDataErrorView);
registerOptionEditorsOutsideGrafana();

const params = new URLSearchParams(location.search);
const themeMode = params.get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode: themeMode } });
const RANGE_MS = 3600_000;
/** The bench's wait after gc() before a timed section (see installBench); `?quietHeapMs=` to try others. */
const QUIET_HEAP_MS = Number(params.get('quietHeapMs') ?? 500);

interface State {
  frames: DataFrame[];
  nowMs: number;
  /** Length of the panel's time range; the fixtures span the last hour. */
  rangeMs?: number;
  source: string;
  error?: string;
}

function panelData(frames: DataFrame[], nowMs: number, rangeMs = RANGE_MS, error?: string): PanelData {
  const timeRange = { from: dateTime(nowMs - rangeMs), to: dateTime(nowMs), raw: { from: `now-${Math.round(rangeMs / 60_000)}m`, to: 'now' } };
  return {
    state: error ? LoadingState.Error : LoadingState.Done,
    series: frames,
    timeRange,
    errors: error ? [{ message: error }] : undefined,
  };
}

function PanelFrame({ plugin, state, width, height, options }: { plugin: PanelPlugin; state: State; width: number; height: number; options: object }) {
  const Panel = plugin.panel!;
  const data = panelData(state.frames, state.nowMs, state.rangeMs, state.error);
  return (
    <div
      className="preview-panel"
      style={{ width, height, background: theme.colors.background.primary, border: `1px solid ${theme.colors.border.weak}`, borderRadius: 2 }}
    >
      <div
        style={{
          padding: '6px 8px',
          fontWeight: 500,
          color: theme.colors.text.primary,
          fontSize: 14,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        }}
      >
        Recovery <span style={{ color: theme.colors.text.secondary, fontWeight: 400 }}>— {state.source}</span>
        {state.error && (
          <span data-testid="query-error" style={{ color: theme.colors.error.text, fontWeight: 400, marginLeft: 8 }}>
            {state.error}
          </span>
        )}
      </div>
      <div style={{ height: height - 34, padding: '0 8px 8px' }}>
        <Panel
          id={1}
          data={data}
          timeRange={data.timeRange}
          timeZone="browser"
          options={options}
          transparent={false}
          width={width - 16}
          height={height - 42}
          fieldConfig={{ defaults: {}, overrides: [] }}
          renderCounter={0}
          title="Recovery"
          eventBus={new EventBusSrv()}
          onOptionsChange={() => {}}
          onFieldConfigChange={() => {}}
          replaceVariables={(s: string) => s}
          onChangeTimeRange={() => {}}
        />
      </div>
    </div>
  );
}

// One element for the page's life: React skips it when the panel re-renders, as Grafana's app shell
// does (re-serialising Grafana's global CSS is not a panel's cost, and the bench would bill it).
const globalStyles = <GlobalStyles />;

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <ThemeContext.Provider value={theme}>
      {globalStyles}
      <div style={{ padding: 16, background: theme.colors.background.canvas, minHeight: '100vh', boxSizing: 'border-box' }}>{children}</div>
    </ThemeContext.Provider>
  );
}

function scenarioState(name: string, nowMs = Date.now()): State {
  const query = scenarioQuery(scenarioGroups(name), nowMs);
  const format = params.get('format') === 'table' ? 'table' : 'time_series';
  const table = format === 'table' ? toInstant(query) : query;
  return { frames: framesForPanel([table]), nowMs, source: `fixture "${name}"${format === 'table' ? ' (table)' : ''}` };
}

/** Instant query with format=table: the last sample of every series, as a vector answer. */
function toInstant(q: PromQueryResult): PromQueryResult {
  if (q.response.status !== 'success' || q.response.data.resultType !== 'matrix') {
    return q;
  }
  const result = q.response.data.result.map((r) => ({ metric: r.metric, value: r.values[r.values.length - 1] }));
  return { ...q, format: 'table', response: { status: 'success', data: { resultType: 'vector', result } } };
}

async function liveState(): Promise<State> {
  const res = await fetch('/api/queries');
  const body = (await res.json()) as { source: string; nowMs: number; rangeMs?: number; queries?: PromQueryResult[]; error?: string };
  if (!res.ok || !body.queries) {
    return { frames: [], nowMs: body.nowMs ?? Date.now(), source: body.source ?? 'live', error: body.error ?? `HTTP ${res.status}` };
  }
  return { frames: framesForPanel(body.queries), nowMs: body.nowMs, rangeMs: body.rangeMs, source: body.source, error: body.error };
}

function optionsFrom(plugin: PanelPlugin): object {
  const overrides: Record<string, unknown> = {};
  for (const key of ['layout', 'density', 'sortOrder']) {
    if (params.get(key)) {
      overrides[key] = params.get(key);
    }
  }
  return { ...plugin.defaults, ...overrides };
}

async function main() {
  const mod = await loadPluginModule('/dist/module.js');
  const plugin = mod.plugin as PanelPlugin;
  const container = document.getElementById('root')!;
  document.body.style.margin = '0';
  const root = createRoot(container);
  const options = optionsFrom(plugin);
  const width = Number(params.get('width') ?? 1100);
  const height = Number(params.get('height') ?? 640);

  if (params.has('bench')) {
    installBench(plugin, root, options);
    return;
  }
  const render = (state: State) =>
    root.render(
      <Shell>
        <PanelFrame plugin={plugin} state={state} width={width} height={height} options={options} />
      </Shell>,
    );
  const scenario = params.get('scenario');
  if (scenario) {
    render(scenarioState(scenario));
  } else {
    const tick = async () => {
      try {
        render(await liveState());
      } catch (e) {
        render({ frames: [], nowMs: Date.now(), source: 'live', error: String(e) });
      }
    };
    await tick();
    setInterval(tick, 5000);
  }
  document.body.dataset.ready = 'true';
}

/** Timings for `npm run bench`: the panel next to Grafana's own BigValue for the same number of values. */
function installBench(plugin: PanelPlugin, root: Root, options: object) {
  const settle = () => document.getElementById('root')!.getBoundingClientRect(); // forces style + layout
  const gc = (window as unknown as { gc?: () => void }).gc ?? (() => {});
  // Before each timed section: with --js-flags=--expose-gc (the bench), collect the garbage of
  // building fixture frames and of the previous section, so no section is billed for another's. gc()
  // returns once V8 has marked the heap, and V8 then sweeps it on background threads (with the two
  // 2,000-group answers in the heap: 330–440 ms of CPU, done 105–190 ms after gc() returned, traced by
  // bench/gc-sweep.mjs), which on a 2-core machine take the CPU from the main thread and make the
  // section's allocations wait for swept pages. A second gc() would only start another sweep, so
  // wait instead, with nothing of ours running: QUIET_HEAP_MS is over twice the longest sweep traced,
  // and the trace shows no other collection in the 3 s after gc(). The panel and BigValue get the same wait.
  const quietHeap = async () => {
    gc();
    await new Promise((resolve) => setTimeout(resolve, QUIET_HEAP_MS));
  };
  const time = async (work: () => void) => {
    await quietHeap();
    const t0 = performance.now();
    work();
    settle();
    return performance.now() - t0;
  };
  const panelElement = (state: State) => (
    <Shell>
      <PanelFrame plugin={plugin} state={state} width={1400} height={900} options={{ ...options, density: 'compact' }} />
    </Shell>
  );
  const bigValues = (count: number, shift: number) => {
    const display = getDisplayProcessor({ field: { type: FieldType.number, config: {} }, theme });
    return (
      <Shell>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, width: 1400, height: 900, overflow: 'auto' }}>
          {Array.from({ length: count }, (_, i) => (
            <BigValue
              key={i}
              theme={theme}
              width={160}
              height={80}
              value={{ ...display((i * 7 + shift) % 100), title: `svc-${i}` }}
              colorMode={BigValueColorMode.Background}
              graphMode={BigValueGraphMode.None}
            />
          ))}
        </div>
      </Shell>
    );
  };
  // Between rounds: unmount what the last round drew and let the browser finish restyling the page
  // after that removal, so the next timed render pays for its own work only (both sides alike).
  const clear = () => {
    flushSync(() => root.render(<Shell>{null}</Shell>));
    settle();
  };
  // Fixture frames are built by `prepare`, outside every timed section.
  let prepared: { count: number; first: State; next: State } | undefined;
  const ready = (count: number) => {
    if (prepared?.count !== count) {
      throw new Error(`call reboundBench.prepare(${count}) first`);
    }
    return prepared;
  };
  (window as unknown as { reboundBench: object }).reboundBench = {
    prepare(count: number) {
      const now = Date.now();
      prepared = { count, first: scenarioState(`fleet-${count}`, now), next: scenarioState(`fleet-${count}`, now + 15_000) };
      return prepared.first.frames.length;
    },
    async panel(count: number) {
      const { first, next } = ready(count);
      clear();
      const firstMs = await time(() => flushSync(() => root.render(panelElement(first))));
      const rerenderMs = await time(() => flushSync(() => root.render(panelElement(next))));
      const list = document.querySelector<HTMLElement>('[data-testid="group-list"]');
      // Only the rows near the viewport are in the DOM; the list knows the whole fleet.
      const groups = Number(list?.dataset.groupCount ?? 0);
      const cardsInDom = document.querySelectorAll('[data-testid="group-card"]').length;
      return { firstMs, rerenderMs, groups, cardsInDom };
    },
    /**
     * After `panel`: jump to the end of the fleet (End key, or the scrollbar dragged down) and wait
     * until the last group's card is on screen. Includes the browser's wait for its next frame
     * before it fires `scroll`: the time a person waits.
     */
    async jumpToEnd(count: number) {
      const scroller = document.querySelector<HTMLElement>('[data-testid="recovery-panel"]')!;
      const last = `[data-testid="group-card"][aria-posinset="${count}"]`;
      await quietHeap();
      const t0 = performance.now();
      scroller.scrollTop = scroller.scrollHeight;
      while (!document.querySelector(last)) {
        if (performance.now() - t0 > 5000) {
          throw new Error(`the card of group ${count} did not appear within 5 s of jumping to the end`);
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      settle();
      return performance.now() - t0;
    },
    /** Frames → model alone (no React): the share of the panel's time spent on data preparation. */
    async model(count: number) {
      const { first } = ready(count);
      await quietHeap();
      const t0 = performance.now();
      panelModel(first.frames, { ...options, density: 'compact' } as never, first.nowMs);
      return performance.now() - t0;
    },
    async bigValue(count: number) {
      clear();
      const firstMs = await time(() => flushSync(() => root.render(bigValues(count, 0))));
      const rerenderMs = await time(() => flushSync(() => root.render(bigValues(count, 1))));
      return { firstMs, rerenderMs };
    },
  };
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  document.body.dataset.ready = 'error';
  document.getElementById('root')!.textContent = `preview failed: ${e instanceof Error ? e.message : String(e)}`;
  console.error(e);
});
