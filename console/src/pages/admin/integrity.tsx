import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice, Loading } from '../../components/notice';
import { formatDateTime, formatTokens } from '../../format';
import { strings } from '../../strings';
import { adminAccountPath } from '..';

const t = strings.admin.integrity;
const { balance, plan } = strings.admin.users;
type Report = Schemas['IntegrityReportDto'];
type Kind = keyof Report['counts'];

/** The columns of each kind of finding after its user: [heading, field]. */
const COLUMNS: Record<Kind, [string, string][]> = {
  mismatches: [
    [balance, 'balance'],
    [t.ledgerSum, 'ledgerSum'],
  ],
  bucketMismatches: [
    [t.allowance, 'allowance'],
    [t.ledgerAllowance, 'ledgerAllowance'],
    [t.credits, 'credits'],
    [t.ledgerCredits, 'ledgerCredits'],
  ],
  negativeBalances: [[balance, 'balance']],
  usersWithoutAccount: [[plan, 'planCode']],
  brokenChains: [
    [t.problem, 'problem'],
    [t.seq, 'seq'],
    [t.expected, 'expected'],
    [t.actual, 'actual'],
  ],
  heldMismatches: [
    [t.held, 'held'],
    [t.openHolds, 'openHolds'],
  ],
  owedMismatches: [
    [t.owed, 'owed'],
    [t.ledgerOwed, 'ledgerOwed'],
  ],
  grantMismatches: [
    [t.grant, 'grantId'],
    [t.grantAmount, 'amount'],
    [t.grantRemaining, 'remaining'],
    [t.credits, 'credits'],
  ],
};
/** The columns that hold text rather than numbers (left-aligned). */
const TEXT_FIELDS = new Set(['problem', 'planCode', 'grantId']);

type Row = Record<string, number | string | null>;
function cell(field: string, value: number | string | null | undefined): string {
  if (typeof value === 'number') return formatTokens(value);
  // A grant mismatch without a grant is about all of the account's grants together.
  if (value === null && field === 'grantId') return t.allGrants;
  return value === null || value === undefined ? '—' : String(value);
}

/** The ledger's integrity report at a glance: consistent, or what is wrong and for whom. */
export function AdminIntegrityPage() {
  const report = useQuery({ queryKey: ['admin-integrity'], queryFn: async () => unwrap(await api.GET('/admin/tokens/integrity')) });
  const data = report.data;
  return (
    <>
      <div className="page-head">
        <h1>{t.title}</h1>
        <button type="button" className="secondary" disabled={report.isFetching} onClick={() => void report.refetch()}>
          {t.recheck}
        </button>
      </div>
      {report.isError && <ErrorNotice error={report.error} onRetry={() => void report.refetch()} />}
      {(report.isPending || (report.isFetching && !data)) && <Loading />}
      {data && (
        <>
          <p className={data.ok ? 'notice success status' : 'notice error status'} role="status" aria-busy={report.isFetching}>
            <strong>{(data.ok ? t.ok : t.problems)(formatTokens(data.accountsChecked), formatDateTime(data.checkedAt))}</strong>
          </p>
          {data.truncated && <p className="muted">{t.truncated(formatTokens(data.limit))}</p>}
          {(Object.keys(COLUMNS) as Kind[])
            .filter((kind) => data.counts[kind] > 0)
            .map((kind) => (
              <Findings key={kind} kind={kind} count={data.counts[kind]} rows={data[kind] as unknown as Row[]} />
            ))}
        </>
      )}
    </>
  );
}

function Findings({ kind, count, rows }: { kind: Kind; count: number; rows: Row[] }) {
  const columns = COLUMNS[kind];
  return (
    <section className="card" aria-labelledby={`${kind}-title`}>
      <h2 id={`${kind}-title`}>
        {t.kinds[kind]} <span className="muted">({t.count(formatTokens(count))})</span>
      </h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.user}</th>
            {columns.map(([heading, field]) => (
              <th key={field} scope="col" className={TEXT_FIELDS.has(field) ? undefined : 'number'}>
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={`${String(row.userId)}-${index}`}>
              <td>
                <Link to={adminAccountPath(String(row.userId))}>
                  <code>{String(row.userId)}</code>
                </Link>
              </td>
              {columns.map(([, field]) => (
                <td key={field} className={TEXT_FIELDS.has(field) ? undefined : 'number'}>
                  {cell(field, row[field])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
