import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { adminUserKey } from '../../api/queries';
import { Confirm } from '../../components/confirm';
import { ErrorNotice } from '../../components/notice';
import { useConfirmedAction } from '../../confirmed-action';
import { textField } from '../../form-fields';
import { formatDateTime, formatTokens } from '../../format';
import { strings } from '../../strings';

const t = strings.admin.account;
/** The API's bound on one grant or deduct. */
const MAX_AMOUNT = 1_000_000_000;

/** A grant with `expiresAt` is a promotional grant; `priority` is sent only with it (the API refuses it alone). */
type Adjustment = { amount: number; reason: string; expiresAt?: string; priority?: number };
const DEFAULT_PRIORITY = 50;

const WORDS = {
  grant: { title: t.grant, submit: t.grant, question: t.grantConfirm, yes: t.grantYes, done: t.granted },
  deduct: { title: t.deduct, submit: t.deduct, question: t.deductConfirm, yes: t.deductYes, done: t.deducted },
};

/** Grant or deduct tokens with a reason, after a confirmation naming the amount and the user. */
export function AdjustTokensForm({ kind, user }: { kind: 'grant' | 'deduct'; user: { id: string; email: string } }) {
  const words = WORDS[kind];
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const queries = useQueryClient();
  const action = useConfirmedAction<Adjustment>(async (body, idempotencyKey) => {
    const options = { params: { path: { userId: user.id }, header: { 'Idempotency-Key': idempotencyKey } }, body };
    if (kind === 'grant') unwrap(await api.POST('/admin/users/{userId}/tokens/grant', options));
    else unwrap(await api.POST('/admin/users/{userId}/tokens/deduct', options));
    form.current?.reset();
    await queries.invalidateQueries({ queryKey: adminUserKey(user.id) });
    void queries.invalidateQueries({ queryKey: ['admin-users'] });
    return words.done(formatTokens(body.amount), user.email);
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = event.currentTarget;
    const adjustment: Adjustment = { amount: Number(textField(fields, 'amount')), reason: textField(fields, 'reason').trim() };
    // A datetime-local field holds the reader's local time: the Date reads it in their time zone.
    const expires = kind === 'grant' ? textField(fields, 'expiresAt') : '';
    if (expires) {
      adjustment.expiresAt = new Date(expires).toISOString();
      adjustment.priority = Number(textField(fields, 'priority') || DEFAULT_PRIORITY);
    }
    action.ask(adjustment);
  };

  const error = action.error;
  // A deduct the balance cannot cover: 402 with the balance and the amount asked for.
  const short =
    error instanceof ApiError && error.status === 402 && typeof error.body.balance === 'number' && typeof error.body.required === 'number'
      ? t.deductShort(formatTokens(error.body.required), user.email, formatTokens(error.body.balance))
      : undefined;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{words.title}</h2>
      <form ref={form} className="stack" onSubmit={submit}>
        <label>
          {t.amount}
          <input name="amount" type="number" inputMode="numeric" min={1} max={MAX_AMOUNT} step={1} required />
        </label>
        <label>
          {t.reason}
          <input name="reason" required maxLength={500} pattern=".*\S.*" aria-describedby={`${id}-hint`} />
        </label>
        <p id={`${id}-hint`} className="muted hint">
          {t.reasonHint}
        </p>
        {kind === 'grant' && <PromotionFields id={id} />}
        <div>
          <button type="submit" disabled={action.busy}>
            {words.submit}
          </button>
        </div>
      </form>
      {error !== undefined && <ErrorNotice error={error} sentence={short} />}
      {action.done && (
        <p className="notice success" role="status">
          {action.done}
        </p>
      )}
      <Confirm
        open={action.pending !== null}
        confirm={action.pending ? words.yes(formatTokens(action.pending.amount)) : ''}
        busy={action.busy}
        onConfirm={action.confirm}
        onCancel={action.cancel}
        details={action.pending && <AdjustmentDetails kind={kind} adjustment={action.pending} />}
      >
        {action.pending && words.question(formatTokens(action.pending.amount), user.email)}
      </Confirm>
    </section>
  );
}

/** The terms that make a grant promotional: when what is left of it expires, and its place in the spending order. */
function PromotionFields({ id }: { id: string }) {
  return (
    <>
      <label>
        {t.expiresAt}
        <input name="expiresAt" type="datetime-local" aria-describedby={`${id}-expires-hint`} />
      </label>
      <p id={`${id}-expires-hint`} className="muted hint">
        {t.expiresAtHint}
      </p>
      <label>
        {t.priority}
        <input
          name="priority"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          step={1}
          defaultValue={DEFAULT_PRIORITY}
          aria-describedby={`${id}-priority-hint`}
        />
      </label>
      <p id={`${id}-priority-hint`} className="muted hint">
        {t.priorityHint}
      </p>
    </>
  );
}

function AdjustmentDetails({ kind, adjustment }: { kind: 'grant' | 'deduct'; adjustment: Adjustment }) {
  return (
    <>
      <p className="muted">{t.reasonLine(adjustment.reason)}</p>
      {kind === 'grant' && (
        <p className="muted">
          {adjustment.expiresAt ? t.promotionLine(formatDateTime(adjustment.expiresAt), String(adjustment.priority)) : t.neverExpires}
        </p>
      )}
    </>
  );
}
