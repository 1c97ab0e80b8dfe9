/** Types for the parser (a port of the Prometheus Python client's), which ships none. */
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    interface ParsedMetric {
      labels?: Record<string, string>;
      value?: string;
      buckets?: Record<string, string>;
      quantiles?: Record<string, string>;
      count?: string;
      sum?: string;
    }
    interface ParsedFamily {
      name: string;
      help: string;
      type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
      metrics: ParsedMetric[];
    }
  }
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.ParsedFamily[];
  export = parsePrometheusTextFormat;
}
