export function AdminIntegrityPage() {
  return <h1>Integrity</h1>;
}
