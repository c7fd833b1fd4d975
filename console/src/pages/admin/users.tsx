import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorNotice, Loading } from '../../components/notice';
import { useDebounced } from '../../debounce';
import { formatDate, formatTokens } from '../../format';
import { strings } from '../../strings';
import { adminAccountPath } from '..';

const t = strings.admin.users;
const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;

/** Users found by the start of their email as the admin types, newest first, each a link to their account. */
export function AdminUsersPage() {
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState(() => params.get('email') ?? '');
  const prefix = useDebounced(typed.trim(), SEARCH_DELAY_MS);
  // The search is in the address, so Back from a user's page returns to the same list.
  useEffect(() => setParams(prefix ? { email: prefix } : {}, { replace: true }), [prefix, setParams]);

  const pages = useInfiniteQuery({
    queryKey: ['admin-users', prefix],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const query = { limit: PAGE_SIZE, ...(prefix && { email: prefix }), ...(pageParam && { cursor: pageParam }) };
      return unwrap(await api.GET('/admin/users', { params: { query } }));
    },
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
  const users = pages.data?.pages.flatMap((page) => page.items) ?? [];
  const loading = pages.isPending || pages.isFetchingNextPage;

  return (
    <>
      <h1>{t.title}</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.search}
          <input
            type="search"
            className="search"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoFocus
          />
        </label>
      </form>
      {pages.isError && <ErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />}
      {/* What the list shows is said once it is the list of what was typed, not the previous one kept in view. */}
      {pages.isSuccess &&
        !pages.isPlaceholderData &&
        (users.length === 0 ? (
          <p className="empty" role="status">
            {prefix ? t.noMatch(prefix) : t.noUsers}
          </p>
        ) : (
          <p className="muted" role="status">
            {prefix
              ? t.found(formatTokens(users.length), users.length === 1, prefix, pages.hasNextPage)
              : t.newest(formatTokens(users.length), users.length === 1, pages.hasNextPage)}
          </p>
        ))}
      {users.length > 0 && (
        <table aria-busy={pages.isPlaceholderData}>
          <thead>
            <tr>
              <th scope="col">{t.email}</th>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.plan}</th>
              <th scope="col" className="number">
                {t.balance}
              </th>
              <th scope="col">{t.created}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>
                  <Link to={adminAccountPath(user.id)}>{user.email}</Link>
                  {user.role === 'admin' && <span className="badge">{strings.admin.account.admin}</span>}
                </td>
                <td>{user.name ?? strings.state.none}</td>
                <td>{user.plan ?? strings.state.none}</td>
                <td className="number">{user.balance === null ? strings.state.none : formatTokens(user.balance)}</td>
                <td>{formatDate(user.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loading && <Loading />}
      {pages.hasNextPage && !loading && !pages.isPlaceholderData && (
        <button type="button" className="secondary more" onClick={() => void pages.fetchNextPage()}>
          {t.more}
        </button>
      )}
    </>
  );
}
