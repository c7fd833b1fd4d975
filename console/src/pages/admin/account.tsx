export function AdminAccountPage() {
  return <h1>Account</h1>;
}
