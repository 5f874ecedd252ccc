import type { PortSettings, PortsView } from "../../../shared/api/index.js";
import { isLoopbackHost } from "../runtime/host-names.js";
import type { Config, ConfigStore } from "./config.js";

export interface PortsOptions {
  config: ConfigStore;
  /** The settings this engine started with (config.json plus command-line flags). */
  effective: Config;
  /** The relay miner reads its address when it starts: a running one is restarted on the new address. */
  relayMiner: { status(): { state: string }; stopMining(): Promise<unknown>; startMining(): Promise<unknown> };
}

function portsOf(config: Config): PortSettings {
  return {
    dashboard: { ...config.dashboard },
    openAi: { ...config.openAi },
    relay: { ...config.relayMiner.listen },
    metrics: { ...config.relayMiner.metrics },
  };
}

/** Listen addresses as the Settings page edits them: saved in config.json, applied where that is possible now. */
export class PortsSettings {
  constructor(private readonly options: PortsOptions) {}

  view(): PortsView {
    const saved = portsOf(this.options.config.get());
    const effective = portsOf(this.options.effective);
    const same = (a: { host: string; port: number }, b: { host: string; port: number }) => a.host === b.host && a.port === b.port;
    return {
      saved,
      pendingRestart: (["dashboard", "openAi"] as const).filter((key) => !same(saved[key], effective[key])),
      running: { dashboard: effective.dashboard, openAi: effective.openAi },
    };
  }

  /** Whether `patch` moves a listener from loopback (or another host) onto an address other machines can reach. */
  opensBeyondLoopback(patch: Partial<PortSettings>): boolean {
    const saved = portsOf(this.options.config.get());
    return (Object.keys(patch) as Array<keyof PortSettings>).some((key) => {
      const next = patch[key];
      return next !== undefined && !isLoopbackHost(next.host) && next.host !== saved[key].host;
    });
  }

  async update(patch: Partial<PortSettings>): Promise<PortsView> {
    const before = this.options.config.get().relayMiner;
    const next = this.options.config.update((draft) => {
      if (patch.dashboard) draft.dashboard = patch.dashboard;
      if (patch.openAi) draft.openAi = patch.openAi;
      if (patch.relay) draft.relayMiner.listen = patch.relay;
      if (patch.metrics) draft.relayMiner.metrics = patch.metrics;
    });
    const relayChanged = JSON.stringify([before.listen, before.metrics]) !== JSON.stringify([next.relayMiner.listen, next.relayMiner.metrics]);
    if (relayChanged && this.options.relayMiner.status().state === "running") {
      await this.options.relayMiner.stopMining();
      await this.options.relayMiner.startMining();
    }
    return this.view();
  }
}
