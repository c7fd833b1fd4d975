import type { ReactNode } from 'react';
import { describeError } from '../errors';
import { strings } from '../strings';

/** A failed call, said as a sentence (the page's own `sentence` when it has a better one), with a way to try again when there is one. */
export function ErrorNotice({ error, onRetry, sentence }: { error: unknown; onRetry?: () => void; sentence?: string }) {
  const described = describeError(error);
  const text = sentence ?? described.text;
  const fields = sentence ? [] : described.fields;
  return (
    <div className="notice error" role="alert">
      <p>{text}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {strings.state.retry}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" role="status">
      {strings.state.loading}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
