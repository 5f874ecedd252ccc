import { HardwareCard } from "../components/HardwareCard.js";
import { ModelLoaderCard } from "../components/ModelLoaderCard.js";
import { TryModelCard } from "../components/TryModelCard.js";

export function DashboardPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Dashboard</h1>
      <div className="grid">
        <HardwareCard />
        <ModelLoaderCard />
      </div>
      <TryModelCard />
    </section>
  );
}
