import { useState } from 'react';

/** Copies a secret shown once to the clipboard; the button says when it is done. */
export function CopyButton({ text, label, copied }: { text: string; label: string; copied: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="secondary" onClick={() => void navigator.clipboard.writeText(text).then(() => setDone(true))}>
      {done ? copied : label}
    </button>
  );
}
