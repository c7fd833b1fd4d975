export function AdminModelsPage() {
  return <h1>Models</h1>;
}
