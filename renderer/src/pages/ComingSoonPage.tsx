export function ComingSoonPage({ title, summary }: { title: string; summary: string }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <div className="card empty-state">
        <p className="lead">Coming soon</p>
        <p>{summary}</p>
      </div>
    </section>
  );
}
