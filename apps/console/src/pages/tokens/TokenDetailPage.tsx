export function TokenDetailPage({ id }: { id: string }) {
  return <p>{id}</p>;
}
