import { useRef, useState } from 'react';
import { newIdempotencyKey } from './api/idempotency';

/**
 * A change made in two steps: `ask` with what to change (a form was submitted; the page shows a
 * confirmation), then `confirm` sends it once. The submission gets one Idempotency-Key, and a second
 * click while the first is on its way sends nothing, so a double click never applies twice.
 * `run` answers the sentence to show when it worked.
 */
export function useConfirmedAction<T>(run: (value: T, idempotencyKey: string) => Promise<string>) {
  const [pending, setPending] = useState<{ value: T; key: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  const inFlight = useRef(false);

  const confirm = async () => {
    if (!pending || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      setDone(await run(pending.value, pending.key));
    } catch (caught) {
      setError(caught);
    } finally {
      inFlight.current = false;
      setBusy(false);
      setPending(null);
    }
  };

  return {
    /** What waits for confirmation; null when nothing does. */
    pending: pending?.value ?? null,
    busy,
    error,
    done,
    ask: (value: T) => {
      setError(undefined);
      setDone(null);
      setPending({ value, key: newIdempotencyKey() });
    },
    /** A problem found before asking (the form's own check), shown like a refused change. */
    refuse: (problem: unknown) => {
      setDone(null);
      setError(problem);
    },
    cancel: () => setPending(null),
    confirm: () => void confirm(),
  };
}
