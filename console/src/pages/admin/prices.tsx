import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { actionPrices, plansQuery, pricesQuery } from '../../api/queries';
import { Confirm } from '../../components/confirm';
import { Empty, ErrorNotice, Loading } from '../../components/notice';
import { useConfirmedAction } from '../../confirmed-action';
import { Refusal } from '../../errors';
import { textField } from '../../form-fields';
import { formatTokens } from '../../format';
import { strings } from '../../strings';
import { adminAccountPath, PAGES } from '..';
import {
  effectivePrice,
  overrideFor,
  question,
  scopeText,
  sendPriceChange,
  userTarget,
  type PriceChange,
  type Target,
} from './price-changes';

const t = strings.admin.prices;
type Override = Schemas['PriceOverrideDto'];
const MAX_COST = 1_000_000_000;

const targetOf = (override: Override, user: Target['user'] = null): Target => ({ planCode: override.planCode, user });
const shortId = (id: string) => `${id.slice(0, 8)}…`;
/** Whose override this is, before the user's email is known. */
const scopeOf = (override: Override): string => (override.userId ? t.forUser(shortId(override.userId)) : scopeText(targetOf(override)));

/** The price list with its overrides (global, per plan, per user); each change confirms what it changes. */
export function AdminPricesPage() {
  const overrides = useQuery({ queryKey: ['admin-costs'], queryFn: async () => unwrap(await api.GET('/admin/costs')) });
  const prices = useQuery(pricesQuery);
  const plans = useQuery(plansQuery);
  const queries = useQueryClient();
  const change = useConfirmedAction<PriceChange>(async (pending) => {
    await sendPriceChange(pending);
    await Promise.all([queries.invalidateQueries({ queryKey: ['admin-costs'] }), queries.invalidateQueries({ queryKey: ['prices'] })]);
    return t.saved;
  });

  const list = overrides.data ?? [];
  const metered = actionPrices(prices.data ?? []);
  const defaultOf = (action: string) => metered.find((price) => price.action === action)?.defaultCost ?? 0;
  const actions = [...new Set([...metered.map((price) => price.action), ...list.map((override) => override.action)])];

  /** Asks to set a price; a user's override names the user, whose current price depends on their plan. */
  const set = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const action = textField(form, 'action');
    const planCode = textField(form, 'planCode') || null;
    const userId = textField(form, 'userId').trim();
    try {
      if (planCode && userId) throw new Refusal(t.planAndUser);
      const target: Target = { planCode, user: userId ? await userTarget(userId) : null };
      const from = effectivePrice(list, action, defaultOf(action), target);
      change.ask({ kind: 'set', action, from, to: Number(textField(form, 'cost')), target });
    } catch (caught) {
      change.refuse(caught);
    }
  };

  /** Asks to remove an override: the target then pays the next most specific price. */
  const remove = async (override: Override) => {
    try {
      const user = override.userId
        ? await userTarget(override.userId).catch(() => ({ id: override.userId!, email: override.userId!, plan: null }))
        : null;
      const target = targetOf(override, user);
      const rest = list.filter((other) => other !== override);
      change.ask({
        kind: 'remove',
        action: override.action,
        from: override.cost,
        to: effectivePrice(rest, override.action, defaultOf(override.action), target),
        target,
      });
    } catch (caught) {
      change.refuse(caught);
    }
  };

  const removeButton = (override: Override) => (
    <button type="button" className="link danger-link" onClick={() => void remove(override)}>
      {t.remove}
      <span className="sr-only">{t.removeLabel(override.action, scopeOf(override))}</span>
    </button>
  );

  const error = overrides.error ?? prices.error;
  return (
    <>
      <h1>{t.title}</h1>
      <p className="muted">
        {t.intro} {t.modelsNote} <Link to={PAGES.adminModels}>{strings.nav.models}</Link>.
      </p>
      {error && <ErrorNotice error={error} onRetry={() => void Promise.all([overrides.refetch(), prices.refetch()])} />}
      {(overrides.isPending || prices.isPending) && <Loading />}
      {change.error !== undefined && <ErrorNotice error={change.error} />}
      {change.done && (
        <p className="notice success" role="status">
          {change.done}
        </p>
      )}
      {overrides.data && prices.data && (
        <>
          {actions.length === 0 ? (
            <Empty>{t.empty}</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.action}</th>
                  <th scope="col" className="number">
                    {t.defaultCost}
                  </th>
                  <th scope="col" className="number">
                    {t.global}
                  </th>
                  <th scope="col">{t.plans}</th>
                  <th scope="col">{t.users}</th>
                </tr>
              </thead>
              <tbody>
                {actions.map((action) => {
                  const own = list.filter((override) => override.action === action);
                  const global = overrideFor(own, action, { planCode: null, user: null });
                  return (
                    <tr key={action}>
                      <th scope="row">
                        <code>{action}</code>
                        <div className="muted small">{metered.find((price) => price.action === action)?.description}</div>
                      </th>
                      <td className="number">{formatTokens(defaultOf(action))}</td>
                      <td className="number">
                        {global ? (
                          <>
                            {formatTokens(global.cost)} {removeButton(global)}
                          </>
                        ) : (
                          strings.state.none
                        )}
                      </td>
                      <td>
                        <OverrideList
                          items={own.filter((override) => override.scope === 'plan')}
                          render={(override) => `${override.planCode}:`}
                          button={removeButton}
                        />
                      </td>
                      <td>
                        <OverrideList
                          items={own.filter((override) => override.scope === 'user')}
                          render={(override) => (
                            <>
                              <Link to={adminAccountPath(override.userId!)}>{shortId(override.userId!)}</Link>:
                            </>
                          )}
                          button={removeButton}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <SetPriceForm actions={actions} plans={plans.data ?? []} onSubmit={(event) => void set(event)} busy={change.busy} />
        </>
      )}
      <Confirm
        open={change.pending !== null}
        confirm={change.pending?.kind === 'remove' ? t.removeYes : t.set}
        busy={change.busy}
        onConfirm={change.confirm}
        onCancel={change.cancel}
      >
        {change.pending && question(change.pending)}
      </Confirm>
    </>
  );
}

/** The overrides of one action for plans or for users: whose, the price, and a button to remove it. */
function OverrideList(props: { items: Override[]; render: (override: Override) => ReactNode; button: (override: Override) => ReactNode }) {
  if (props.items.length === 0) return <>{strings.state.none}</>;
  return (
    <ul className="overrides">
      {props.items.map((override) => (
        <li key={`${override.planCode}:${override.userId}`}>
          <span>{props.render(override)}</span> <span className="number">{formatTokens(override.cost)}</span> {props.button(override)}
        </li>
      ))}
    </ul>
  );
}

function SetPriceForm(props: {
  actions: string[];
  plans: Schemas['PlanDto'][];
  busy: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <section className="card" aria-labelledby="set-price-title">
      <h2 id="set-price-title">{t.setTitle}</h2>
      <form className="inline" onSubmit={props.onSubmit}>
        <label>
          {t.action}
          <select name="action" required>
            {props.actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.cost}
          <input name="cost" type="number" inputMode="numeric" min={0} max={MAX_COST} step={1} required />
        </label>
        <label>
          {t.plan}
          <select name="planCode" defaultValue="">
            <option value="">{t.everyPlan}</option>
            {props.plans.map((plan) => (
              <option key={plan.code} value={plan.code}>
                {plan.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.userId}
          <input name="userId" autoComplete="off" spellCheck={false} size={38} aria-describedby="user-id-hint" />
        </label>
        <button type="submit" disabled={props.busy}>
          {t.set}
        </button>
      </form>
      <p id="user-id-hint" className="muted hint">
        {t.userIdHint}
      </p>
    </section>
  );
}
