import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { adminUserKey, plansQuery } from '../../api/queries';
import { Confirm } from '../../components/confirm';
import { ErrorNotice, Loading } from '../../components/notice';
import { useConfirmedAction } from '../../confirmed-action';
import { formatTokens } from '../../format';
import { strings } from '../../strings';

const t = strings.admin.account;

/** Move a user to another plan, after a confirmation naming the old and the new plan. */
export function ChangePlanForm({ user, current }: { user: { id: string; email: string }; current: string | null }) {
  const plans = useQuery(plansQuery);
  const [chosen, setChosen] = useState<string | null>(null);
  const queries = useQueryClient();
  const selected = chosen ?? current ?? '';
  const nameOf = (code: string | null) => (code === null ? t.noPlan : (plans.data?.find((plan) => plan.code === code)?.name ?? code));

  const action = useConfirmedAction<string>(async (planCode, idempotencyKey) => {
    unwrap(
      await api.PUT('/admin/users/{userId}/subscription', {
        params: { path: { userId: user.id }, header: { 'Idempotency-Key': idempotencyKey } },
        body: { planCode },
      }),
    );
    setChosen(null);
    await queries.invalidateQueries({ queryKey: adminUserKey(user.id) });
    void queries.invalidateQueries({ queryKey: ['admin-users'] });
    return t.planChanged(user.email, nameOf(planCode));
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (selected && selected !== current) action.ask(selected);
  };

  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">{t.plan}</h2>
      {plans.isError && <ErrorNotice error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.isPending && <Loading />}
      {plans.data && (
        <form className="stack" onSubmit={submit}>
          <label>
            {t.plan}
            <select name="planCode" value={selected} onChange={(event) => setChosen(event.target.value)}>
              {current === null && <option value="">{t.noPlan}</option>}
              {plans.data.map((plan) => (
                <option key={plan.code} value={plan.code}>
                  {t.planOption(plan.name, formatTokens(plan.monthlyTokens))}
                </option>
              ))}
            </select>
          </label>
          <p className="muted hint">{t.planNote}</p>
          <div>
            <button type="submit" disabled={action.busy || !selected || selected === current}>
              {t.changePlan}
            </button>
          </div>
        </form>
      )}
      {action.error !== undefined && <ErrorNotice error={action.error} />}
      {action.done && (
        <p className="notice success" role="status">
          {action.done}
        </p>
      )}
      <Confirm
        open={action.pending !== null}
        confirm={t.changePlan}
        busy={action.busy}
        onConfirm={action.confirm}
        onCancel={action.cancel}
        details={<p className="muted">{t.planNote}</p>}
      >
        {action.pending && t.planConfirm(user.email, nameOf(current), nameOf(action.pending))}
      </Confirm>
    </section>
  );
}
