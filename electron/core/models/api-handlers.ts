import type { HandlersFor } from "../runtime/api-router.js";
import type { ModelPaths } from "./model-paths.js";
import type { ModelService } from "./model-service.js";
import { SharingService } from "./sharing/sharing-service.js";

export type ModelMethod =
  | "models.catalog"
  | "models.installed"
  | "models.downloads"
  | "models.download"
  | "models.pause"
  | "models.resume"
  | "models.cancel"
  | "models.delete"
  | "models.verify"
  | "models.import"
  | "models.plan"
  | "models.benchmark"
  | "models.benchmarks"
  | "models.publish"
  | "models.settings"
  | "models.updateSettings";

/** The models domain of the API, served by the ModelService; payloads are validated by the router beforehand. */
export function createModelHandlers(models: ModelService, paths: ModelPaths): HandlersFor<ModelMethod> {
  return {
    "models.catalog": ({ refresh }) => models.catalogView(refresh),
    "models.installed": () => models.installed(),
    "models.downloads": () => models.downloadList(),
    "models.download": ({ modelId, source }) => models.download(modelId, source ?? null),
    "models.pause": ({ modelId }) => models.pause(modelId),
    "models.resume": ({ modelId }) => models.resume(modelId),
    "models.cancel": async ({ modelId }) => ({ cancelled: await models.cancel(modelId) }),
    "models.delete": ({ modelId }) => ({ deleted: models.delete(modelId) }),
    "models.verify": ({ modelId }) => models.verify(modelId),
    "models.import": async ({ path, catalogId }, context) => models.import(await paths.existingFile(path, context), catalogId ?? null),
    "models.plan": () => models.plan(),
    "models.benchmark": ({ modelId, seconds }) => models.benchmark(modelId, seconds),
    "models.benchmarks": () => models.benchmarkResults(),
    "models.publish": (params, context) =>
      models.publish({ ...params, path: paths.readable(params.path, context), carPath: params.carPath === undefined ? undefined : paths.carTarget(params.carPath) }),
    "models.settings": () => models.settings(),
    "models.updateSettings": (patch) => models.updateSettings(patch),
  };
}

export type SharingMethod = "sharing.status" | "sharing.update" | "sharing.checkPeers";

/**
 * LAN sharing's part of the API. Starting to serve beyond loopback opens a listener to other machines, so it asks for
 * the wallet passphrase like any such change (`confirmOpening`; absent in tests and engines without a wallet).
 */
export function createSharingHandlers(
  sharing: SharingService,
  confirmOpening?: (passphrase: string | undefined) => Promise<void>,
): HandlersFor<SharingMethod> {
  return {
    "sharing.status": () => sharing.status(),
    "sharing.update": async ({ passphrase, ...patch }) => {
      SharingService.check(patch);
      if (confirmOpening && sharing.opensBeyondLoopback(patch)) await confirmOpening(passphrase);
      return sharing.update(patch);
    },
    "sharing.checkPeers": () => sharing.checkPeers(),
  };
}
