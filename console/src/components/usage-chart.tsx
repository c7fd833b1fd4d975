import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, unwrap, type Schemas } from '../api/client';
import { formatDay, formatTokens } from '../format';
import { strings } from '../strings';
import { Empty, ErrorNotice, Loading } from './notice';

const t = strings.usage;
/** Distinguishable series colours, each with enough contrast against white. */
const COLOURS = ['#1f4fd1', '#c2410c', '#047857', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

type Usage = Schemas['UsageReportDto'];
type GroupBy = Usage['groupBy'];

/** The rows a stacked bar chart takes: one per day, a column per series key. */
function rowsOf(usage: Usage): Record<string, number | string>[] {
  const days = usage.series[0]?.points.map((point) => point.start) ?? [];
  return days.map((start, index) => {
    const row: Record<string, number | string> = { day: formatDay(start) };
    for (const series of usage.series) row[series.key] = series.points[index].tokens;
    return row;
  });
}

/** Net tokens spent per day for the last 30 days, stacked by action or by model. */
export function UsageChart() {
  const [groupBy, setGroupBy] = useState<GroupBy>('action');
  const usage = useQuery({
    queryKey: ['usage', groupBy],
    queryFn: async () => unwrap(await api.GET('/tokens/usage', { params: { query: { groupBy } } })),
  });
  const data = usage.data;
  return (
    <section className="card" aria-labelledby="usage-title">
      <div className="page-head">
        <h2 id="usage-title">{t.title}</h2>
        <div role="group" aria-label={t.groupLabel} className="toggle">
          {(['action', 'model'] as const).map((key) => (
            <button key={key} type="button" aria-pressed={groupBy === key} onClick={() => setGroupBy(key)}>
              {key === 'action' ? t.byAction : t.byModel}
            </button>
          ))}
        </div>
      </div>
      {usage.isError && <ErrorNotice error={usage.error} onRetry={() => void usage.refetch()} />}
      {usage.isPending && <Loading />}
      {data && (
        <>
          <p className="muted" data-testid="usage-total">
            {t.total(formatTokens(data.totals.tokens), formatTokens(data.totals.requests))}
          </p>
          {data.totals.requests === 0 && data.totals.tokens === 0 ? (
            <Empty>{t.empty}</Empty>
          ) : (
            <figure className="chart" aria-label={t.total(formatTokens(data.totals.tokens), formatTokens(data.totals.requests))}>
              <ResponsiveContainer width="100%" height={280}>
                <BarChart data={rowsOf(data)} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid vertical={false} stroke="#e5e7eb" />
                  <XAxis dataKey="day" tick={{ fontSize: 12 }} interval="preserveStartEnd" />
                  <YAxis tick={{ fontSize: 12 }} tickFormatter={(value: number) => formatTokens(value)} width={64} />
                  <Tooltip formatter={(value) => formatTokens(Number(value))} />
                  <Legend />
                  {data.series.map((series, index) => (
                    <Bar
                      key={series.key}
                      dataKey={series.key}
                      stackId="usage"
                      fill={COLOURS[index % COLOURS.length]}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </figure>
          )}
        </>
      )}
    </section>
  );
}
