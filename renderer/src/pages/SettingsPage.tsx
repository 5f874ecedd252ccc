import { AvailabilityForm } from "../components/settings/AvailabilityForm.js";
import { DesktopForm } from "../components/settings/DesktopForm.js";
import { ModelSourcesForm } from "../components/settings/ModelSourcesForm.js";
import { PortsAndFolders } from "../components/settings/PortsAndFolders.js";
import { PreferencesForm } from "../components/settings/PreferencesForm.js";
import { ReachabilityCard } from "../components/settings/ReachabilityCard.js";
import { NetworkPicker } from "../components/chain/NetworkPicker.js";
import { RigForm } from "../components/settings/RigForm.js";
import { SharingCard } from "../components/settings/SharingCard.js";
import { UpdatesPanel } from "../components/settings/UpdatesPanel.js";
import { Card } from "../kit/Card.js";
import { ErrorMessage } from "../kit/Message.js";
import { PageHeader } from "../kit/PageHeader.js";
import { hrefFor } from "../navigation.js";
import { useSettings } from "../stores/settings-store.js";

export function SettingsPage() {
  const error = useSettings((s) => s.error);
  return (
    <section aria-labelledby="page-title">
      <PageHeader
        title="Settings"
        description="How and when this machine serves. Changes apply at once unless they say otherwise."
        actions={
          <a className="button button-secondary" href={hrefFor("setup", "welcome")}>
            Run the setup wizard again
          </a>
        }
      />
      {error && <ErrorMessage error={error} title="Could not read the settings." />}
      <Card title="Network" subtitle="Switching network stops serving on the old one; your stake there stays.">
        <NetworkPicker />
      </Card>
      <Card title="Appearance and money" subtitle="Theme, and what electricity and POKT are worth to you (for profit figures).">
        <PreferencesForm />
      </Card>
      <Card title="When to serve" subtitle="Idle-only mode pauses serving while you use the computer (or a game uses the GPU).">
        <AvailabilityForm />
      </Card>
      <Card title="Desktop app" subtitle="Auto-start, tray and notifications, and updates.">
        <DesktopForm />
      </Card>
      <Card title="Updates" subtitle="New versions download in the background and install between sessions.">
        <UpdatesPanel />
      </Card>
      <Card title="GPUs and workers" subtitle="For rigs: one inference worker per GPU, paused when hot, restarted when hung.">
        <RigForm />
      </Card>
      <Card title="Model sources">
        <ModelSourcesForm />
      </Card>
      <Card
        title="Sharing models on the LAN"
        subtitle="Other PocketForge machines on this network download your installed models from this one, and this one from them; every block is checked against its CID."
        testId="settings-sharing"
      >
        <SharingCard />
      </Card>
      <Card title="Reachability" subtitle="How gateways on the internet reach the relay miner: a port mapped on your router, or a tunnel." testId="settings-reach">
        <ReachabilityCard />
      </Card>
      <Card title="Ports and folders">
        <PortsAndFolders />
      </Card>
    </section>
  );
}
