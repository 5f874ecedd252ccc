import { AlertsList } from "../components/dashboard/AlertsList.js";
import { CurrentSessionCard } from "../components/dashboard/CurrentSessionCard.js";
import { EarningsCard } from "../components/dashboard/EarningsCard.js";
import { EarningsChart } from "../components/dashboard/EarningsChart.js";
import { FeeRunwayCard } from "../components/dashboard/FeeRunwayCard.js";
import { GpuTable } from "../components/dashboard/GpuTable.js";
import { LiveCharts } from "../components/dashboard/LiveCharts.js";
import { PerformanceCard } from "../components/dashboard/PerformanceCard.js";
import { ProfitCard } from "../components/dashboard/ProfitCard.js";
import { SessionsTable } from "../components/dashboard/SessionsTable.js";
import { SetupPrompt } from "../components/dashboard/SetupPrompt.js";
import { StatusPanel } from "../components/dashboard/StatusPanel.js";
import { HardwareCard } from "../components/HardwareCard.js";
import { PageHeader } from "../kit/PageHeader.js";
import { EconomicsCard } from "../components/staking/EconomicsCard.js";
import { useServiceChoice } from "../components/wizard/useServiceChoice.js";
import { useStaking } from "../stores/staking-store.js";

export function DashboardPage() {
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Dashboard" description="Whether this machine is serving, what it earns, and what it costs." />
      <SetupPrompt />
      <StatusPanel />
      <AlertsList />
      <div className="grid">
        <EarningsCard />
        <CurrentSessionCard />
      </div>
      <PerformanceCard />
      <div className="grid">
        <EarningsChart />
        <ProfitCard />
      </div>
      <LiveCharts />
      <GpuTable />
      <FeeRunwayCard />
      <DashboardEconomics />
      <SessionsTable />
      <HardwareCard />
    </section>
  );
}

/** The economics of the service this supplier is staked for (else the one it would stake for). */
function DashboardEconomics() {
  const staked = useStaking((s) => s.supplier?.services[0]?.serviceId ?? null);
  const { serviceId } = useServiceChoice();
  return <EconomicsCard serviceId={staked ?? serviceId} title="The network's economics" />;
}
