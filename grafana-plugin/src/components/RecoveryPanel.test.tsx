import { fireEvent, screen, within } from '@testing-library/react';

import { plugin } from '../module';
import { registerOptionEditorsOutsideGrafana } from '../testing/option-editors';
import { renderPanel } from '../testing/render-panel';
import { defaultOptions } from '../types';
import { RecoveryPanel } from './RecoveryPanel';

const cards = () => screen.getAllByTestId('group-card');
const card = (group: string) => cards().find((c) => c.dataset.group === group)!;

describe('RecoveryPanel', () => {
  it('renders one card per group, worst first', () => {
    renderPanel('incident');
    expect(cards().map((c) => c.dataset.group)).toEqual([
      'ledger',
      'orders-db',
      'payments',
      'sessions',
      '<img src=x onerror="window.__xss=1">',
      'cache',
      'search',
    ]);
  });

  it('shows the phase in words; unknown is not styled as healthy', () => {
    renderPanel('incident');
    const unknown = within(card('payments')).getByTestId('phase-badge');
    const healthy = within(card('search')).getByTestId('phase-badge');
    expect(unknown).toHaveTextContent(/unknown/);
    expect(unknown.dataset.phase).toBe('unknown');
    expect(healthy).toHaveTextContent('healthy');
    expect(unknown.className).not.toBe(healthy.className);
    expect(unknown.getAttribute('style')).toBeNull(); // no health colour at all
  });

  it('says stalled, names the drifted member, the shared zone and the hidden instability', () => {
    renderPanel('stalled-partial');
    const orders = within(card('orders-db'));
    expect(orders.getByTestId('eta')).toHaveTextContent('stalled');
    expect(orders.getByTestId('chip-permission-drift')).toHaveTextContent('permissions drift on pg-2');
    expect(orders.getByTestId('chip-divergence')).toHaveTextContent('3 of 5 replicas not converged (2 lagging, 1 diverged)');
    expect(orders.getByTestId('chip-hidden-instability')).toHaveTextContent('serving, but 3 replicas not converged');
    expect(orders.getByTestId('elapsed')).toHaveTextContent('13m of 15m');
    expect(orders.getByTestId('elapsed').dataset.budget).toBe('warning');
    expect(within(card('cache')).getByTestId('chip-shared-cloud.availability_zone')).toHaveTextContent('all replicas in zone eu-1a');
  });

  it('mid-recovery: ETA, percent, sparkline and timeline', () => {
    renderPanel('mid-recovery');
    const orders = within(card('orders-db'));
    expect(orders.getByTestId('eta')).toHaveTextContent('ETA 2m 40s');
    expect(orders.getByTestId('progress')).toHaveTextContent('62%');
    expect(orders.getByTestId('lag-sparkline')).toBeInTheDocument();
    expect(orders.getByTestId('phase-timeline').querySelectorAll('[data-phase]').length).toBeGreaterThanOrEqual(3);
  });

  it('stale data says so and is not green', () => {
    renderPanel('stale');
    const badge = within(card('orders-db')).getByTestId('phase-badge');
    expect(badge).toHaveTextContent('stale');
    expect(badge.dataset.phase).toBe('stale');
    expect(within(card('orders-db')).getByTestId('eta')).toHaveTextContent('no ETA: data stale');
  });

  it('renders label values as text, never as HTML', () => {
    renderPanel('incident');
    const name = within(card('<img src=x onerror="window.__xss=1">')).getByTestId('group-name');
    expect(name).toHaveTextContent('<img src=x onerror="window.__xss=1">');
    expect(name.querySelector('img')).toBeNull();
  });

  it('links the group name to the group-detail dashboard, encoded', () => {
    renderPanel('incident');
    const link = within(card('orders-db')).getByRole('link');
    expect(link.getAttribute('href')).toBe('/d/rebound-group-detail?var-group=orders-db&from=now-1h&to=now');
    const html = within(card('<img src=x onerror="window.__xss=1">')).getByRole('link');
    expect(html.getAttribute('href')).toBe(
      `/d/rebound-group-detail?var-group=${encodeURIComponent('<img src=x onerror="window.__xss=1">')}&from=now-1h&to=now`,
    );
  });

  it('hides chips switched off in the options, and the link when the URL is empty', () => {
    renderPanel('stalled-partial', { showPermissionDriftChip: false, groupDetailUrl: '' });
    expect(screen.queryByTestId('chip-permission-drift')).toBeNull();
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('no data: Grafana’s no-data view with a hint', () => {
    renderPanel(null);
    expect(screen.queryByTestId('recovery-panel')).toBeNull();
    expect(screen.getByText(/No recovery_group_phase series: is the collector scraped\?/)).toBeInTheDocument();
  });

  it('a fleet of 2,000: the rows near the viewport in the DOM, the rest reached by scrolling', () => {
    renderPanel('fleet-2000');
    const list = screen.getByTestId('group-list');
    expect(list.dataset.groupCount).toBe('2000');
    expect(list.getAttribute('aria-label')).toBe('2000 recovery groups, worst first');
    const top = cards();
    expect(top.length).toBeGreaterThan(5);
    expect(top.length).toBeLessThan(60);
    expect(top.map((c) => c.getAttribute('aria-posinset'))).toEqual(top.map((_, i) => String(i + 1)));
    expect(top[0].getAttribute('aria-setsize')).toBe('2000');
    expect(top[0].dataset.phase).toBe('partial');
    expect(top[0].dataset.group).toBe('svc-0007');
    // The spacer below stands for every group not rendered: the scrollbar is the whole fleet's.
    expect(parseFloat(list.style.paddingBottom)).toBeGreaterThan(1900 * 30);

    const panel = screen.getByTestId('recovery-panel');
    fireEvent.scroll(panel, { target: { scrollTop: 1_000_000 } });
    const end = cards();
    expect(end[end.length - 1].getAttribute('aria-posinset')).toBe('2000');
    expect(end.length).toBeLessThan(60);
    expect(screen.queryByText('svc-0007')).toBeNull(); // the top of the fleet left the DOM
    expect(parseFloat(list.style.paddingTop)).toBeGreaterThan(1900 * 30);
    expect(list.style.paddingBottom).toBe('0px');
  });

  it('grid layout and compact density', () => {
    renderPanel('healthy', { layout: 'grid', density: 'compact' });
    expect(screen.getByTestId('group-list').className).not.toBe('');
    expect(screen.queryAllByTestId('phase-timeline')).toHaveLength(0);
  });
});

describe('plugin', () => {
  it('wires the panel with every option default from defaultOptions', () => {
    registerOptionEditorsOutsideGrafana();
    expect(plugin.panel).toBe(RecoveryPanel);
    expect(plugin.defaults).toEqual(defaultOptions);
  });
});
