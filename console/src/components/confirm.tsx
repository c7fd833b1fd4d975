import { useEffect, useId, useRef, type ReactNode } from 'react';
import { strings } from '../strings';

/** A modal question (the native <dialog>: focus is trapped, Escape cancels), with what it will change below it. */
export function Confirm(props: {
  open: boolean;
  children: ReactNode;
  details?: ReactNode;
  confirm: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const textId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog ref={dialog} onCancel={props.onCancel} aria-labelledby={textId}>
      <p id={textId} className="question">
        {props.children}
      </p>
      {props.details}
      <div className="actions">
        <button type="button" className="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {strings.state.cancel}
        </button>
      </div>
    </dialog>
  );
}
