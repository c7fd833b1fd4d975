import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/layout';
import { Loading } from './components/notice';
import { ActivityPage } from './pages/activity';
import { AlertsPage } from './pages/alerts';
import { BuyPage } from './pages/buy';
import { BuyResultPage } from './pages/buy-result';
import { KeysPage } from './pages/keys';
import { OverviewPage } from './pages/overview';
import { RegisterPage, SignInPage } from './pages/sign-in';
import { PAGES } from './pages';

// Only admins need the admin pages: they are loaded when an admin first opens one.
const AdminUsersPage = lazy(() => import('./pages/admin/users').then((page) => ({ default: page.AdminUsersPage })));
const AdminAccountPage = lazy(() => import('./pages/admin/account').then((page) => ({ default: page.AdminAccountPage })));
const AdminPricesPage = lazy(() => import('./pages/admin/prices').then((page) => ({ default: page.AdminPricesPage })));
const AdminModelsPage = lazy(() => import('./pages/admin/models').then((page) => ({ default: page.AdminModelsPage })));
const AdminIntegrityPage = lazy(() => import('./pages/admin/integrity').then((page) => ({ default: page.AdminIntegrityPage })));

export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path={PAGES.signIn} element={<SignInPage />} />
        <Route path={PAGES.register} element={<RegisterPage />} />
        <Route element={<SignedIn />}>
          <Route path={PAGES.overview} element={<OverviewPage />} />
          <Route path={PAGES.activity} element={<ActivityPage />} />
          <Route path={PAGES.buy} element={<BuyPage />} />
          <Route path={PAGES.buyResult} element={<BuyResultPage />} />
          <Route path={PAGES.keys} element={<KeysPage />} />
          <Route path={PAGES.alerts} element={<AlertsPage />} />
          <Route element={<AdminOnly />}>
            <Route path={PAGES.adminUsers} element={<AdminUsersPage />} />
            <Route path={PAGES.adminAccount} element={<AdminAccountPage />} />
            <Route path={PAGES.adminPrices} element={<AdminPricesPage />} />
            <Route path={PAGES.adminModels} element={<AdminModelsPage />} />
            <Route path={PAGES.adminIntegrity} element={<AdminIntegrityPage />} />
          </Route>
        </Route>
        <Route path="*" element={<Navigate to={PAGES.overview} replace />} />
      </Routes>
    </AuthProvider>
  );
}

/** The pages behind sign-in, in the console's layout; signed out, the reader is sent to sign in and back. */
function SignedIn() {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Loading />;
  if (me === null) {
    const back = location.pathname + location.search;
    return <Navigate to={`${PAGES.signIn}?next=${encodeURIComponent(back)}`} replace />;
  }
  return <Layout />;
}

function AdminOnly() {
  const { me } = useAuth();
  return me?.role === 'admin' ? (
    <Suspense fallback={<Loading />}>
      <Outlet />
    </Suspense>
  ) : (
    <Navigate to={PAGES.overview} replace />
  );
}
