import type { HttpClient } from './http-client.js';

/** The METRICS_TOKEN of every test app unless a suite sets another (or `METRICS_TOKEN: ''`: unset, admins only). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

/** The value of one sample of the Prometheus text format, 0 when absent. */
export function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ? match[2].split(/,(?=[a-zA-Z_]\w*=")/) : [];
    if (present.length === wanted.length && wanted.every((label) => present.includes(label))) return Number(match[3]);
  }
  return 0;
}

export async function metricsOf(http: HttpClient): Promise<string> {
  const response = await http.get('/metrics', { token: METRICS_TOKEN });
  expect(response.status).toBe(200);
  return response.body as string;
}
