import { api, unwrap } from '../api/client';
import { Ledger, type LedgerQuery } from '../components/ledger';
import { strings } from '../strings';

const t = strings.activity;

const fetchOwnLedger = async (query: LedgerQuery) => unwrap(await api.GET('/tokens/transactions', { params: { query: query as never } }));

/** The caller's ledger, newest first, with filters and older pages on demand. */
export function ActivityPage() {
  return (
    <>
      <h1>{t.title}</h1>
      <Ledger queryKey={['transactions']} fetchPage={fetchOwnLedger} empty={t.empty} />
    </>
  );
}
