import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Confirm } from '../../components/confirm';
import { Empty, ErrorNotice, Loading } from '../../components/notice';
import { useConfirmedAction } from '../../confirmed-action';
import { Refusal } from '../../errors';
import { formatDateTime, formatTokens } from '../../format';
import { strings } from '../../strings';
import { ModelForm, type Model, type ModelChange } from './model-form';

const t = strings.admin.models;
type Pending = { kind: 'save'; change: ModelChange } | { kind: 'delete'; model: string };

/** The AI models with their prices: edit one (the confirmation shows old → new), add one, delete one. */
export function AdminModelsPage() {
  const models = useQuery({ queryKey: ['admin-models'], queryFn: async () => unwrap(await api.GET('/admin/models')) });
  const [editing, setEditing] = useState<Model | 'new' | null>(null);
  const queries = useQueryClient();
  const action = useConfirmedAction<Pending>(async (pending) => {
    if (pending.kind === 'save') {
      const { model, body } = pending.change;
      unwrap(await api.PUT('/admin/models/{model}', { params: { path: { model } }, body }));
      setEditing(null);
    } else {
      unwrap(await api.DELETE('/admin/models/{model}', { params: { path: { model: pending.model } } }));
    }
    await queries.invalidateQueries({ queryKey: ['admin-models'] });
    return pending.kind === 'save' ? t.saved(pending.change.model) : t.removed(pending.model);
  });

  const save = (change: ModelChange) => {
    if (!change.isNew && change.lines.length === 0) action.refuse(new Refusal(t.nothingChanged));
    else action.ask({ kind: 'save', change });
  };

  const pending = action.pending;
  return (
    <>
      <div className="page-head">
        <h1>{t.title}</h1>
        {editing === null && (
          <button type="button" className="secondary" onClick={() => setEditing('new')}>
            {t.add}
          </button>
        )}
      </div>
      <p className="muted">{t.intro}</p>
      {action.error !== undefined && <ErrorNotice error={action.error} />}
      {action.done && (
        <p className="notice success" role="status">
          {action.done}
        </p>
      )}
      {editing !== null && (
        <ModelForm model={editing === 'new' ? null : editing} busy={action.busy} onSave={save} onCancel={() => setEditing(null)} />
      )}
      {models.isError && <ErrorNotice error={models.error} onRetry={() => void models.refetch()} />}
      {models.isPending && <Loading />}
      {models.data?.length === 0 && <Empty>{t.empty}</Empty>}
      {models.data && models.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.model}</th>
              <th scope="col">{t.upstream}</th>
              <th scope="col" className="number">
                {t.input}
              </th>
              <th scope="col" className="number">
                {t.output}
              </th>
              <th scope="col" className="number">
                {t.maxOutput}
              </th>
              <th scope="col">{t.served}</th>
              <th scope="col">{t.updated}</th>
              <th scope="col">
                <span className="sr-only">{t.actions}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.data.map((model) => (
              <tr key={model.model}>
                <th scope="row">
                  <code>{model.model}</code>
                </th>
                <td>{model.upstream}</td>
                <td className="number">{formatTokens(model.inputPer1k)}</td>
                <td className="number">{formatTokens(model.outputPer1k)}</td>
                <td className="number">{formatTokens(model.maxOutputTokens)}</td>
                <td>{model.served ? t.yes : t.no}</td>
                <td>{formatDateTime(model.updatedAt)}</td>
                <td>
                  <div className="actions compact">
                    <button type="button" className="secondary" onClick={() => setEditing(model)}>
                      {t.edit(model.model)}
                    </button>
                    <button type="button" className="danger" onClick={() => action.ask({ kind: 'delete', model: model.model })}>
                      {t.remove(model.model)}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Confirm
        open={pending !== null}
        confirm={pending?.kind === 'delete' ? t.removeYes : t.save}
        busy={action.busy}
        onConfirm={action.confirm}
        onCancel={action.cancel}
        details={
          pending?.kind === 'save' && (
            <ul className="changes">
              {pending.change.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )
        }
      >
        {pending &&
          (pending.kind === 'delete'
            ? t.removeConfirm(pending.model)
            : pending.change.isNew
              ? t.addConfirm(pending.change.model)
              : t.saveConfirm(pending.change.model))}
      </Confirm>
    </>
  );
}
