import { fireEvent, screen, within } from '@testing-library/react';

import { renderPanel } from '../testing/render-panel';

const cards = () => screen.getAllByTestId('group-card');
const card = (group: string) => cards().find((c) => c.dataset.group === group)!;

describe('top finding under each unhealthy group', () => {
  it('names the member and says what to do, most urgent first', () => {
    renderPanel('incident');
    const ledger = within(card('ledger')).getByTestId('top-finding');
    expect(ledger.dataset.cause).toBe('member_unreachable');
    expect(ledger).toHaveTextContent('ledger-2 unreachable — start ledger-2 or fix the network path to it');
    // diverged outranks replica_lagging and permission_drift
    const orders = within(card('orders-db')).getByTestId('top-finding');
    expect(orders.dataset.cause).toBe('diverged');
    expect(orders).toHaveTextContent('pg-4 diverged from the leader — rebuild pg-4 from the leader');
    expect(within(card('payments')).getByTestId('top-finding')).toHaveTextContent(/no data from pay-1 for 45s, pay-2 for 45s/);
    expect(within(card('sessions')).getByTestId('top-finding')).toHaveTextContent('pg-2 38s behind, pg-3 21s behind — none yet: catching up, ETA 2m 40s');
  });

  it('shows none under a healthy group, even one with a shared failure domain (its chip says so)', () => {
    renderPanel('incident');
    expect(within(card('search')).queryByTestId('top-finding')).toBeNull();
    expect(within(card('cache')).queryByTestId('top-finding')).toBeNull();
  });
});

describe('planned maintenance', () => {
  it('marks the planned episode as planned, and only that one', () => {
    renderPanel('planned');
    const billing = card('billing-db');
    expect(billing.dataset.planned).toBe('true');
    expect(within(billing).getByTestId('planned-badge')).toHaveTextContent('planned');
    expect(within(billing).getByTestId('planned-badge').getAttribute('title')).toMatch(/kept out of the recovery SLO/);
    // still shown with its phase, progress and ETA like any other episode
    expect(within(billing).getByTestId('phase-badge')).toHaveTextContent('recovering');
    expect(within(billing).getByTestId('eta')).toHaveTextContent('ETA 1m 30s');
    expect(within(card('orders-db')).queryByTestId('planned-badge')).toBeNull();
  });
});

describe('member drill-down', () => {
  for (const layout of ['list', 'grid'] as const) {
    it(`opens on a click on the card and closes on a second one (${layout})`, () => {
      renderPanel('stalled-partial', { layout });
      const orders = card('orders-db');
      expect(within(orders).queryByTestId('member-drilldown')).toBeNull();
      fireEvent.click(within(orders).getByTestId('progress'));
      const drill = within(card('orders-db')).getByTestId('member-drilldown');
      expect(
        within(drill)
          .getAllByTestId('member-row')
          .map((r) => r.dataset.member),
      ).toEqual(['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5']);
      fireEvent.click(within(card('orders-db')).getByTestId('progress'));
      expect(within(card('orders-db')).queryByTestId('member-drilldown')).toBeNull();
    });
  }

  it('opens from the keyboard: the toggle is a button with aria-expanded', () => {
    renderPanel('stalled-partial');
    const toggle = within(card('orders-db')).getByRole('button', { name: 'Show the members of orders-db' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.focus();
    fireEvent.click(toggle); // Enter/Space on a focused <button> is a click
    const opened = within(card('orders-db')).getByRole('button', { name: 'Hide the members of orders-db' });
    expect(opened.getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById(opened.getAttribute('aria-controls')!)).toBe(within(card('orders-db')).getByTestId('member-drilldown'));
  });

  it('a click on the group link follows the link and does not toggle', () => {
    renderPanel('stalled-partial');
    fireEvent.click(within(card('orders-db')).getByRole('link'));
    expect(within(card('orders-db')).queryByTestId('member-drilldown')).toBeNull();
  });

  it('lists every finding, and each member with status, reason, lag, observation age and permissions', () => {
    renderPanel('stalled-partial');
    fireEvent.click(within(card('orders-db')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('orders-db')).getByTestId('member-drilldown'));
    expect(drill.getAllByTestId('finding').map((f) => f.dataset.cause)).toEqual(['diverged', 'replica_lagging', 'permission_drift']);
    expect(drill.getAllByTestId('finding')[2]).toHaveTextContent("pg-2: permissions differ from the leader's — apply the leader's permissions on pg-2");
    expect(drill.getAllByTestId('finding')[2]).toHaveTextContent(/the members list names what differs$/);
    const row = (member: string) => within(drill.getAllByTestId('member-row').find((r) => r.dataset.member === member)!);
    expect(row('pg-4').getByTestId('member-reason')).toHaveTextContent('diverged from the leader');
    expect(row('pg-5').getByTestId('member-reason')).toHaveTextContent('catching up');
    expect(row('pg-5').getAllByRole('cell')[3]).toHaveTextContent(/^2m \d+s$/);
    expect(row('pg-5').getByTestId('lag-sparkline')).toBeInTheDocument();
    expect(row('pg-2').getByTestId('member-permissions')).toHaveTextContent('differs from the leader');
    expect(row('pg-1').getByTestId('member-permissions')).toHaveTextContent('same as the leader');
    expect(row('pg-1').getAllByRole('cell')[6]).toHaveTextContent('1s ago');
  });

  for (const layout of ['list', 'grid'] as const) {
    it(`says each member's role, its failure-domain values and what differs in its permissions (${layout})`, () => {
      renderPanel('stalled-partial', { layout });
      fireEvent.click(within(card('orders-db')).getByTestId('drilldown-toggle'));
      const drill = within(within(card('orders-db')).getByTestId('member-drilldown'));
      const row = (member: string) => within(drill.getAllByTestId('member-row').find((r) => r.dataset.member === member)!);
      expect(drill.getAllByTestId('member-role').map((r) => r.textContent)).toEqual(['leader', 'replica', 'replica', 'replica', 'replica']);
      expect(
        row('pg-2')
          .getAllByTestId('failure-domain')
          .map((d) => d.textContent),
      ).toEqual(['zone eu-1b', 'host db-2']);
      expect(
        row('pg-2')
          .getAllByTestId('permission-difference')
          .map((d) => [d.dataset.change, d.textContent]),
      ).toEqual([
        ['missing', 'missing on this member: role auditor'],
        ['changed', 'other rules on this member: hba rule #2 hostssl all app 10.0.0.0/8'],
      ]);
      expect(row('pg-2').getByTestId('member-permissions')).toHaveTextContent(/^differs from the leader/);
      expect(row('pg-1').queryByTestId('permission-differences')).toBeNull();
    });
  }

  it('marks the failure-domain values every member shares', () => {
    renderPanel('stalled-partial');
    fireEvent.click(within(card('cache')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('cache')).getByTestId('member-drilldown'));
    const cacheB = within(drill.getAllByTestId('member-row').find((r) => r.dataset.member === 'cache-b')!);
    expect(cacheB.getAllByTestId('failure-domain').map((d) => [d.textContent, d.dataset.shared])).toEqual([
      ['zone eu-1a (every member)', 'true'],
      ['host node-2', 'false'],
    ]);
  });

  it('says nothing it was not told: a member reporting no failure domain has none', () => {
    renderPanel('healthy');
    fireEvent.click(within(card('search')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('search')).getByTestId('member-drilldown'));
    expect(drill.getAllByTestId('member-failure-domains').map((c) => c.textContent)).toEqual(['—', '—', '—', '—', '—']);
  });

  it('shows lag in bytes where the source reports bytes', () => {
    renderPanel('mid-recovery');
    fireEvent.click(within(card('orders-db')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('orders-db')).getByTestId('member-drilldown'));
    const pg2 = within(drill.getAllByTestId('member-row').find((r) => r.dataset.member === 'pg-2')!);
    expect(pg2.getAllByRole('cell')[4]).toHaveTextContent('41.0 MB');
  });

  it('says the time spent in each phase, and the current phase so far', () => {
    renderPanel('stalled-partial');
    fireEvent.click(within(card('orders-db')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('orders-db')).getByTestId('member-drilldown'));
    const totals = Object.fromEntries(drill.getAllByTestId('phase-total').map((p) => [p.dataset.phase, p.textContent]));
    expect(totals.degraded).toMatch(/degraded 3m/);
    expect(totals.recovering).toMatch(/recovering 3m/);
    expect(totals.partial).toMatch(/partial 7m/);
    expect(drill.getByTestId('phase-so-far')).toHaveTextContent(/^partial for 7m/);
  });

  it('names the shared failure domain and the independent paths', () => {
    renderPanel('stalled-partial');
    fireEvent.click(within(card('cache')).getByTestId('drilldown-toggle'));
    const drill = within(within(card('cache')).getByTestId('member-drilldown'));
    expect(drill.getByTestId('failure-domains')).toHaveTextContent('all replicas in zone eu-1a');
    expect(drill.getByTestId('failure-domains')).toHaveTextContent('independent paths: 1');
    expect(drill.getAllByTestId('finding').map((f) => f.dataset.cause)).toEqual(['shared_failure_domain']);
  });

  it('links to the group detail dashboard with the group, the time range and the data source', () => {
    renderPanel('stalled-partial', {}, { targets: [{ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' } }] });
    fireEvent.click(within(card('orders-db')).getByTestId('drilldown-toggle'));
    const link = within(card('orders-db')).getByTestId('group-detail-link');
    expect(link.getAttribute('href')).toBe('/d/rebound-group-detail?var-group=orders-db&from=now-1h&to=now&var-datasource=prom-uid-from-variable');
  });

  it('stays open while its card scrolls out of the DOM and back', () => {
    renderPanel('fleet-200');
    fireEvent.click(within(card('svc-0007')).getByTestId('drilldown-toggle'));
    const panel = screen.getByTestId('recovery-panel');
    fireEvent.scroll(panel, { target: { scrollTop: 1_000_000 } });
    expect(screen.queryByText('svc-0007')).toBeNull();
    fireEvent.scroll(panel, { target: { scrollTop: 0 } });
    expect(within(card('svc-0007')).getByTestId('member-drilldown')).toBeInTheDocument();
  });
});

describe('phase timeline', () => {
  it('has a time axis in the dashboard time zone', () => {
    renderPanel('mid-recovery');
    const axis = within(card('orders-db')).getByTestId('timeline-axis');
    expect(axis.textContent).toMatch(/21:30/);
    expect(axis.textContent).toMatch(/22:00/);
  });

  it('says phase, from, to and duration on hover, and nothing after the pointer leaves', () => {
    renderPanel('mid-recovery');
    const timeline = within(card('orders-db')).getByTestId('phase-timeline');
    timeline.getBoundingClientRect = () => ({ left: 0, width: 1000, top: 0, height: 6, right: 1000, bottom: 6, x: 0, y: 0, toJSON: () => ({}) });
    // 2 % from the right end: five minutes before now, inside the recovering stretch (the last 300 s).
    fireEvent.mouseMove(timeline, { clientX: 980 });
    expect(screen.getByTestId('timeline-hover')).toHaveTextContent(/^recovering · 21:55:\d\d → 22:00:\d\d · 5m( \d+s)?$/);
    fireEvent.mouseMove(timeline, { clientX: 100 });
    expect(screen.getByTestId('timeline-hover')).toHaveTextContent(/^healthy · 21:00:00 → 21:53:00 · 53m$/);
    fireEvent.mouseLeave(timeline);
    expect(screen.queryByTestId('timeline-hover')).toBeNull();
  });
});
