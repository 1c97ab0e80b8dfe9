/** The few Prometheus HTTP API calls the live test needs (https://prometheus.io/docs/prometheus/latest/querying/api/). */

export interface Sample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}?${new URLSearchParams(params)}`);
    const body = (await response.json()) as ApiResponse<T>;
    if (body.status !== 'success') throw new Error(`${body.errorType}: ${body.error}`);
    return body.data;
  }

  async instant(expr: string): Promise<Sample[]> {
    const data = await this.get<{ resultType: string; result: Sample[] | [number, string] }>('/api/v1/query', { query: expr });
    return Array.isArray(data.result) && data.resultType !== 'scalar' ? (data.result as Sample[]) : [{ metric: {}, value: data.result as [number, string] }];
  }

  async range(expr: string, seconds: number): Promise<Sample[]> {
    const end = Date.now() / 1000;
    const data = await this.get<{ result: Sample[] }>('/api/v1/query_range', {
      query: expr,
      start: String(end - seconds),
      end: String(end),
      step: '1',
    });
    return data.result;
  }

  async labelValues(label: string, match: string): Promise<string[]> {
    return this.get<string[]>(`/api/v1/label/${label}/values`, { 'match[]': match });
  }

  async alerts(): Promise<{ labels: Record<string, string>; state: 'pending' | 'firing' }[]> {
    return (await this.get<{ alerts: { labels: Record<string, string>; state: 'pending' | 'firing' }[] }>('/api/v1/alerts', {})).alerts;
  }

  async ruleHealth(): Promise<{ name: string; health: string; lastError?: string }[]> {
    const data = await this.get<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>('/api/v1/rules', {});
    return data.groups.flatMap((g) => g.rules);
  }

  /** Seconds each rule group's last evaluation took (printed, not asserted). */
  async ruleGroupEvaluationSeconds(): Promise<{ name: string; seconds: number }[]> {
    const data = await this.get<{ groups: { name: string; evaluationTime: number }[] }>('/api/v1/rules', {});
    return data.groups.map((g) => ({ name: g.name, seconds: g.evaluationTime }));
  }

  async ready(): Promise<boolean> {
    const response = await fetch(`${this.baseUrl}/-/ready`);
    return response.ok;
  }
}
