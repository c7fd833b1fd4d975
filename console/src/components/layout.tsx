import { NavLink, Outlet, useNavigate } from 'react-router';
import { useAuth } from '../auth';
import { PAGES } from '../pages';
import { strings } from '../strings';

const t = strings.nav;

/** One layout for every signed-in page: the navigation, then the page. */
export function Layout() {
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  const isAdmin = me?.role === 'admin';
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">{strings.product}</span>
        <nav aria-label={t.label}>
          <NavLink to={PAGES.overview} end>
            {t.overview}
          </NavLink>
          <NavLink to={PAGES.activity}>{t.activity}</NavLink>
          <NavLink to={PAGES.buy} end>
            {t.buy}
          </NavLink>
          <NavLink to={PAGES.keys}>{t.keys}</NavLink>
          <NavLink to={PAGES.alerts}>{t.alerts}</NavLink>
        </nav>
        <span className="who">
          <span className="muted">{me?.email}</span>
          <a href="/docs">{t.docs}</a>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void signOut().then(() => navigate(PAGES.signIn));
            }}
          >
            {t.signOut}
          </button>
        </span>
      </header>
      {isAdmin && (
        <nav className="admin-nav" aria-label={t.admin}>
          <span className="label" aria-hidden="true">
            {t.admin}
          </span>
          <NavLink to={PAGES.adminUsers} end>
            {t.users}
          </NavLink>
          <NavLink to={PAGES.adminPrices}>{t.prices}</NavLink>
          <NavLink to={PAGES.adminModels}>{t.models}</NavLink>
          <NavLink to={PAGES.adminIntegrity}>{t.integrity}</NavLink>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
