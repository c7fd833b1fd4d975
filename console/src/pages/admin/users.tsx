export function AdminUsersPage() {
  return <h1>Users</h1>;
}
