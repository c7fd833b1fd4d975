export function AdminPricesPage() {
  return <h1>Prices</h1>;
}
