import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { Confirm } from '../components/confirm';
import { KeyLimitForm, keyLimitText } from '../components/key-limit';
import { Empty, ErrorNotice, Loading } from '../components/notice';
import { formatDateTime } from '../format';
import { strings } from '../strings';
import { textField } from '../form-fields';

const t = strings.keys;
type Key = Schemas['ApiKeyDto'];

/** The caller's API keys: create one (shown once), set or remove its spending limit, revoke one (after a confirmation). */
export function KeysPage() {
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: async () => unwrap(await api.GET('/api-keys')) });
  const [created, setCreated] = useState<Schemas['CreatedApiKeyDto'] | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [error, setError] = useState<unknown>();
  const [limiting, setLimiting] = useState<Key | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setError(undefined);
    try {
      const name = textField(form, 'name').trim();
      setCreated(unwrap(await api.POST('/api-keys', { body: { name } })));
      setCopied(false);
      form.reset();
      void keys.refetch();
    } catch (caught) {
      setError(caught);
    }
  };

  const revoke = async (key: Key) => {
    setRevoking(null);
    setError(undefined);
    try {
      unwrap(await api.DELETE('/api-keys/{id}', { params: { path: { id: key.id } } }));
      void keys.refetch();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <h1>{t.title}</h1>
      <p className="muted">{t.intro}</p>
      <form className="inline" onSubmit={(event) => void create(event)}>
        <label>
          {t.name}
          <input name="name" required maxLength={100} />
        </label>
        <button type="submit">{t.create}</button>
      </form>
      {error !== undefined && <ErrorNotice error={error} />}
      {created && (
        <section className="card notice" aria-labelledby="created-title">
          <h2 id="created-title">{t.created}</h2>
          <p>
            <strong>{t.createdWarning}</strong>
          </p>
          <p>
            <code className="secret" data-testid="new-key">
              {created.key}
            </code>{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                void navigator.clipboard.writeText(created.key).then(() => setCopied(true));
              }}
            >
              {copied ? t.copied : t.copy}
            </button>
          </p>
        </section>
      )}
      {keys.isError && <ErrorNotice error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isPending && <Loading />}
      {keys.data?.length === 0 && <Empty>{t.empty}</Empty>}
      {keys.data && keys.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.prefix}</th>
              <th scope="col">{t.createdAt}</th>
              <th scope="col">{t.lastUsed}</th>
              <th scope="col" className="number">
                {t.limit}
              </th>
              <th scope="col">
                <span className="sr-only">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{formatDateTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t.never}</td>
                <td className="number">{keyLimitText(key)}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setDone(null);
                      setLimiting(key);
                    }}
                  >
                    {key.limit ? t.changeLimit(key.name) : t.setLimit(key.name)}
                  </button>{' '}
                  <button type="button" className="danger" onClick={() => setRevoking(key)}>
                    {t.revoke(key.name)}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {limiting && (
        <KeyLimitForm
          key={limiting.id}
          apiKey={limiting}
          onCancel={() => setLimiting(null)}
          onDone={(sentence) => {
            setLimiting(null);
            setDone(sentence);
            void keys.refetch();
          }}
        />
      )}
      {done && (
        <p className="notice success" role="status">
          {done}
        </p>
      )}
      <Confirm
        open={revoking !== null}
        confirm={t.revokeYes}
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(null)}
      >
        {revoking && t.revokeConfirm(revoking.name)}
      </Confirm>
    </>
  );
}
