import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/layout';
import { Loading } from './components/notice';
import { ActivityPage } from './pages/activity';
import { AdminAccountPage } from './pages/admin/account';
import { AdminIntegrityPage } from './pages/admin/integrity';
import { AdminModelsPage } from './pages/admin/models';
import { AdminPricesPage } from './pages/admin/prices';
import { AdminUsersPage } from './pages/admin/users';
import { BuyPage } from './pages/buy';
import { BuyResultPage } from './pages/buy-result';
import { KeysPage } from './pages/keys';
import { OverviewPage } from './pages/overview';
import { RegisterPage, SignInPage } from './pages/sign-in';
import { PAGES } from './pages';

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
  return me?.role === 'admin' ? <Outlet /> : <Navigate to={PAGES.overview} replace />;
}
