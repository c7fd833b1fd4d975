import { useEffect, useId, useRef, type FormEvent } from 'react';
import type { Schemas } from '../../api/client';
import { textField } from '../../form-fields';
import { formatTokens } from '../../format';
import { strings } from '../../strings';

const t = strings.admin.models;
const MAX_PRICE = 1_000_000_000;
const MAX_OUTPUT_TOKENS = 1_000_000;

export type Model = Schemas['AdminModelDto'];
export type ModelChange = { model: string; body: Schemas['SetModelPricingDto']; lines: string[]; isNew: boolean };

/** What saving changes, one line a field ("Max output tokens: 4,096 → 8,192"); empty when nothing changes. */
function changedLines(old: Model | null, body: Schemas['SetModelPricingDto']): string[] {
  const fields: [string, number | string | undefined, number | string | undefined][] = [
    [t.input, old?.inputPer1k, body.inputPer1k],
    [t.output, old?.outputPer1k, body.outputPer1k],
    [t.maxOutput, old?.maxOutputTokens, body.maxOutputTokens],
    [t.upstream, old?.upstream, body.upstream],
  ];
  const show = (value: number | string | undefined) => (typeof value === 'number' ? formatTokens(value) : (value ?? '—'));
  return fields.filter(([, from, to]) => to !== undefined && from !== to).map(([field, from, to]) => t.change(field, show(from), show(to)));
}

/** Edit a model's prices, output limit and upstream, or (without `model`) add one; saving asks for a confirmation. */
export function ModelForm(props: { model: Model | null; busy: boolean; onSave: (change: ModelChange) => void; onCancel: () => void }) {
  const id = useId();
  const old = props.model;
  const form = useRef<HTMLFormElement>(null);
  // Opened from a row's Edit button or from Add: the keyboard goes to its first field.
  useEffect(() => form.current?.querySelector('input')?.focus(), [old?.model]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const upstream = textField(form, 'upstream').trim();
    const body = {
      inputPer1k: Number(textField(form, 'inputPer1k')),
      outputPer1k: Number(textField(form, 'outputPer1k')),
      maxOutputTokens: Number(textField(form, 'maxOutputTokens')),
      ...(upstream && { upstream }),
    };
    const model = old?.model ?? textField(form, 'model').trim();
    props.onSave({ model, body, lines: changedLines(old, body), isNew: old === null });
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{old ? t.edit(old.model) : t.addTitle}</h2>
      <form ref={form} className="inline" onSubmit={submit} key={old?.model ?? 'new'}>
        {!old && (
          <label>
            {t.model}
            <input name="model" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._:\/\-]*" autoComplete="off" spellCheck={false} />
          </label>
        )}
        <label>
          {t.inputField}
          <PriceInput name="inputPer1k" value={old?.inputPer1k} />
        </label>
        <label>
          {t.outputField}
          <PriceInput name="outputPer1k" value={old?.outputPer1k} />
        </label>
        <label>
          {t.maxOutput}
          <input
            name="maxOutputTokens"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_OUTPUT_TOKENS}
            step={1}
            required
            defaultValue={old?.maxOutputTokens}
          />
        </label>
        <label>
          {t.upstream}
          <input name="upstream" defaultValue={old?.upstream} autoComplete="off" spellCheck={false} aria-describedby={`${id}-upstream`} />
        </label>
        <div className="actions">
          <button type="submit" disabled={props.busy}>
            {t.save}
          </button>
          <button type="button" className="secondary" onClick={props.onCancel}>
            {strings.state.cancel}
          </button>
        </div>
      </form>
      <p id={`${id}-upstream`} className="muted hint">
        {t.upstreamHint}
      </p>
    </section>
  );
}

function PriceInput({ name, value }: { name: string; value: number | undefined }) {
  return <input name={name} type="number" inputMode="numeric" min={0} max={MAX_PRICE} step={1} required defaultValue={value} />;
}
