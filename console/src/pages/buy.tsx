import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { AutoTopUp } from '../components/auto-top-up';
import { ErrorNotice, Loading } from '../components/notice';
import { formatMoney, formatTokens } from '../format';
import { strings } from '../strings';
import { PAGES } from '.';

const t = strings.buy;
type Checkout = Schemas['CheckoutResultDto'];

export const resultPath = (purchaseId: string): string => `${PAGES.buyResult}?purchase=${encodeURIComponent(purchaseId)}`;

/**
 * The packages as cards; buying one goes to the provider's checkout, or (demo provider) confirms here. A
 * checkout may save the card for automatic top-up, which is set up below the packages.
 */
export function BuyPage() {
  const packages = useQuery({ queryKey: ['packages'], queryFn: async () => unwrap(await api.GET('/billing/packages')) });
  const [error, setError] = useState<unknown>();
  const [demo, setDemo] = useState<Checkout | null>(null);
  const [busy, setBusy] = useState(false);
  const [saveCard, setSaveCard] = useState(false);
  const navigate = useNavigate();

  const buy = async (packageCode: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const checkout = unwrap(await api.POST('/billing/checkout', { body: { packageCode, ...(saveCard && { saveCard }) } }));
      if (checkout.redirectUrl) window.location.assign(checkout.redirectUrl);
      else setDemo(checkout);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  /** The demo provider hands the buyer its signed payment event: posting it is the payment. */
  const payDemo = async (checkout: Checkout) => {
    const completion = checkout.completion!;
    setBusy(true);
    try {
      const answer = await fetch(completion.webhookPath, {
        method: completion.method,
        headers: { 'Content-Type': 'application/json', 'X-Signature': completion.signature },
        body: completion.body,
      });
      if (!answer.ok) throw new Error(`payment answered ${answer.status}`);
      void navigate(resultPath(checkout.purchaseId));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t.title}</h1>
      <p className="muted">{t.intro}</p>
      {error !== undefined && <ErrorNotice error={error} />}
      {demo?.completion && (
        <section className="card notice" aria-labelledby="demo-title">
          <h2 id="demo-title">{t.demoTitle}</h2>
          <p>{t.demoText}</p>
          <p>
            <strong>{formatTokens(demo.tokens)}</strong> {strings.overview.tokens} · {formatMoney(demo.priceCents, demo.currency)}
          </p>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void payDemo(demo)}>
              {t.demoPay}
            </button>
            <button type="button" className="secondary" onClick={() => setDemo(null)}>
              {strings.state.cancel}
            </button>
          </div>
        </section>
      )}
      {packages.isError && <ErrorNotice error={packages.error} onRetry={() => void packages.refetch()} />}
      {packages.isPending && <Loading />}
      <label className="check">
        <input
          type="checkbox"
          checked={saveCard}
          onChange={(event) => setSaveCard(event.target.checked)}
          aria-describedby="save-card-hint"
        />{' '}
        {strings.topUp.saveCard}
      </label>
      <p id="save-card-hint" className="muted hint">
        {strings.topUp.saveCardHint}
      </p>
      <ul className="cards">
        {(packages.data ?? []).map((item) => (
          <li key={item.code} className="card package">
            <h2>{item.name}</h2>
            <p className="balance">
              {formatTokens(item.tokens)} <span className="unit">{strings.overview.tokens}</span>
            </p>
            <p>{formatMoney(item.priceCents, item.currency)}</p>
            <p className="muted">{t.perThousand(formatMoney(Math.round((item.priceCents * 1000) / item.tokens), item.currency))}</p>
            <button type="button" disabled={busy} onClick={() => void buy(item.code)}>
              {t.buy(item.name)}
            </button>
          </li>
        ))}
      </ul>
      {packages.data && <AutoTopUp packages={packages.data} />}
    </>
  );
}
