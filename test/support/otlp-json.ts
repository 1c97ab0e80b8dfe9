/** Minimal OTLP/JSON metrics bodies for driving a collector over HTTP in process-level tests. */
export interface MemberReport {
  group: string;
  member: string;
  role: 'leader' | 'replica';
  up: boolean;
  position?: number;
}

const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

export function otlpJsonBody(reports: readonly MemberReport[], nowMillis = Date.now()): string {
  const timeUnixNano = `${BigInt(nowMillis) * 1_000_000n}`;
  const gauge = (name: string, value: number) => ({ name, gauge: { dataPoints: [{ timeUnixNano, asDouble: value }] } });
  return JSON.stringify({
    resourceMetrics: reports.map((r) => ({
      resource: {
        attributes: [attribute('service.name', r.group), attribute('service.instance.id', r.member), attribute('recovery.member.role', r.role)],
      },
      scopeMetrics: [
        {
          scope: { name: 'rebound-test' },
          metrics: [gauge('recovery.member.up', r.up ? 1 : 0), ...(r.position === undefined ? [] : [gauge('recovery.member.position', r.position)])],
        },
      ],
    })),
  });
}
