import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../api/client';
import { useAuth } from '../auth';
import { ErrorNotice } from '../components/notice';
import { textField } from '../form-fields';
import { strings } from '../strings';
import { PAGES } from '.';

const t = strings.auth;

/** Where to go after signing in: the page that sent the reader here, if it is one of ours. */
function useNext(): string {
  const [params] = useSearchParams();
  const next = params.get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') ? next : PAGES.overview;
}

function AuthForm(props: { title: string; submit: string; register?: boolean }) {
  const { me, signIn } = useAuth();
  const next = useNext();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const email = textField(form, 'email');
    const password = textField(form, 'password');
    setBusy(true);
    setError(null);
    try {
      const name = textField(form, 'name').trim();
      const accessToken = props.register
        ? unwrap(await api.POST('/auth/register', { body: { email, password, ...(name && { name }) } })).accessToken
        : unwrap(await api.POST('/auth/login', { body: { email, password } })).accessToken;
      signIn(accessToken);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const known = error instanceof ApiError && (error.status === 401 || error.code === 'EMAIL_TAKEN');
  return (
    <main id="main" className="auth">
      <p className="brand">{strings.product}</p>
      <h1>{props.title}</h1>
      <form onSubmit={(event) => void onSubmit(event)} className="stack">
        {props.register && (
          <label>
            {t.name}
            <input name="name" autoComplete="name" maxLength={100} />
          </label>
        )}
        <label>
          {t.email}
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          {t.password}
          <input
            name="password"
            type="password"
            autoComplete={props.register ? 'new-password' : 'current-password'}
            minLength={props.register ? 8 : undefined}
            aria-describedby={props.register ? 'password-hint' : undefined}
            required
          />
        </label>
        {props.register && (
          <p id="password-hint" className="muted">
            {t.passwordHint}
          </p>
        )}
        {known ? (
          <div className="notice error" role="alert">
            <p>{error.code === 'EMAIL_TAKEN' ? t.emailTaken : t.wrongPassword}</p>
          </div>
        ) : (
          error !== null && <ErrorNotice error={error} />
        )}
        <button type="submit" disabled={busy}>
          {props.submit}
        </button>
      </form>
      <p>
        {props.register ? t.haveAccount : t.noAccount}{' '}
        <Link to={props.register ? PAGES.signIn : PAGES.register}>{props.register ? t.toSignIn : t.toRegister}</Link>
      </p>
    </main>
  );
}

export const SignInPage = () => <AuthForm title={t.signInTitle} submit={t.signIn} />;
export const RegisterPage = () => <AuthForm title={t.registerTitle} submit={t.register} register />;
