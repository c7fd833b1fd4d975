import { useEffect, useRef, type ReactNode } from 'react';
import { strings } from '../strings';

/** A modal question (the native <dialog>: focus is trapped, Escape cancels). */
export function Confirm(props: { open: boolean; children: ReactNode; confirm: string; onConfirm: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog ref={dialog} onCancel={props.onCancel} aria-labelledby="confirm-text">
      <p id="confirm-text">{props.children}</p>
      <div className="actions">
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {strings.state.cancel}
        </button>
      </div>
    </dialog>
  );
}
