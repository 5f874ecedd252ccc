import { ApiError, type StakeNetwork, type StakeRpcType } from "../../../shared/api/index.js";
import { parsePoktAddress } from "./address.js";

/** Everything a supplier stake needs (docs/protocol.md §10.1): the YAML `pocketd` reads plus how to reach the chain. */
export interface SupplierStakeInput {
  ownerAddress: string;
  operatorAddress: string;
  /** Total stake in upokt, digits only. */
  stakeUpokt: string;
  services: Array<{
    serviceId: string;
    endpoints: Array<{ publiclyExposedUrl: string; rpcType: StakeRpcType; timeout?: string }>;
    revSharePercent?: Record<string, number>;
  }>;
  /** Shares for services without their own; absent → the owner gets 100 %. */
  defaultRevSharePercent?: Record<string, number>;
  network: StakeNetwork;
  configFileName: string;
  fees: string;
}

export interface SupplierStakeCommand {
  yaml: string;
  configFileName: string;
  argv: string[];
  command: string;
  signerAddress: string;
}

const SERVICE_ID = /^[a-zA-Z0-9_-]{1,42}$/;
const ENDPOINT_SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);

/**
 * The `pocketd tx supplier stake-supplier --config <yaml> --from <owner> …` command and its YAML, for an owner
 * whose key lives outside PocketForge (hardware wallet, cold machine). Pure: validates with the chain's own rules
 * (service ids, endpoint schemes, shares summing to 100) so the user is not the one to discover a rejected tx.
 * The owner signs: it pays the stake and, for a new supplier, may set the services too.
 */
export function buildSupplierStakeCommand(input: SupplierStakeInput): SupplierStakeCommand {
  const owner = parsePoktAddress(input.ownerAddress, "owner address");
  const operator = parsePoktAddress(input.operatorAddress, "operator address");
  if (!/^[1-9]\d*$/.test(input.stakeUpokt)) invalid("The stake must be a positive whole number of upokt");
  if (input.services.length === 0) invalid("Stake at least one service");
  if (!/^\d+upokt$/.test(input.fees)) invalid('Fees must be an amount of upokt such as "1upokt"');
  if (!input.configFileName.trim() || /[\0\n\r]/.test(input.configFileName)) invalid("Choose a file name for the stake config");

  const defaultShares = input.defaultRevSharePercent
    ? normalizeShares(input.defaultRevSharePercent, "default revenue share")
    : [[owner, 100] as const];
  const seenServices = new Set<string>();
  const services = input.services.map((service) => {
    if (!SERVICE_ID.test(service.serviceId)) {
      invalid(`Service id "${service.serviceId}" may only use letters, digits, "_" and "-" (42 at most)`);
    }
    if (seenServices.has(service.serviceId)) invalid(`Service "${service.serviceId}" is listed twice`);
    seenServices.add(service.serviceId);
    if (service.endpoints.length === 0) invalid(`Service "${service.serviceId}" needs at least one endpoint`);
    service.endpoints.forEach((endpoint) => checkEndpointUrl(endpoint.publiclyExposedUrl, service.serviceId));
    const shares = service.revSharePercent
      ? normalizeShares(service.revSharePercent, `revenue share of "${service.serviceId}"`)
      : null;
    return { ...service, shares };
  });

  const lines = [
    `owner_address: ${owner}`,
    `operator_address: ${operator}`,
    `stake_amount: ${input.stakeUpokt}upokt`,
    "default_rev_share_percent:",
    ...defaultShares.map(([address, percent]) => `  ${address}: ${percent}`),
    "services:",
    ...services.flatMap((service) => [
      `  - service_id: ${yamlString(service.serviceId)}`,
      "    endpoints:",
      ...service.endpoints.flatMap((endpoint) => [
        `      - publicly_exposed_url: ${yamlString(endpoint.publiclyExposedUrl)}`,
        `        rpc_type: ${endpoint.rpcType}`,
        ...(endpoint.timeout ? ["        config:", `          timeout: ${yamlString(endpoint.timeout)}`] : []),
      ]),
      ...(service.shares
        ? ["    rev_share_percent:", ...service.shares.map(([address, percent]) => `      ${address}: ${percent}`)]
        : []),
    ]),
  ];

  const argv = [
    "pocketd", "tx", "supplier", "stake-supplier",
    "--config", input.configFileName,
    "--from", owner,
    ...networkFlags(input.network),
    "--gas", "auto",
    "--fees", input.fees,
  ];
  return {
    yaml: lines.join("\n") + "\n",
    configFileName: input.configFileName,
    argv,
    command: argv.map(shellQuote).join(" "),
    signerAddress: owner,
  };
}

function networkFlags(network: StakeNetwork): string[] {
  return network.kind === "named"
    ? ["--network", network.name]
    : ["--node", network.nodeUrl, "--chain-id", network.chainId];
}

/** Shares with canonical addresses, each 1..100, no address twice, summing to exactly 100 (the chain's rule). */
function normalizeShares(shares: Record<string, number>, what: string): Array<readonly [string, number]> {
  const entries = Object.entries(shares);
  if (entries.length === 0) invalid(`The ${what} lists nobody`);
  const seen = new Set<string>();
  const normalized = entries.map(([address, percent]) => {
    const canonical = parsePoktAddress(address, `address in the ${what}`);
    if (seen.has(canonical)) invalid(`${canonical} appears twice in the ${what}`);
    seen.add(canonical);
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      invalid(`Each share in the ${what} is a whole percent from 1 to 100`);
    }
    return [canonical, percent] as const;
  });
  const total = normalized.reduce((sum, [, percent]) => sum + percent, 0);
  if (total !== 100) invalid(`The ${what} adds up to ${total} %, not 100 %`);
  return normalized;
}

function checkEndpointUrl(url: string, serviceId: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid(`Endpoint "${url}" of service "${serviceId}" is not a URL`);
  }
  if (!ENDPOINT_SCHEMES.has(parsed.protocol) || !parsed.hostname) {
    invalid(`Endpoint "${url}" of service "${serviceId}" must be an http(s) or ws(s) URL with a host`);
  }
}

/** A YAML double-quoted scalar; JSON string syntax is a subset of it, escapes included. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** Quotes one argument for a POSIX shell; plain words stay readable. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function invalid(message: string): never {
  throw new ApiError("invalid_params", message, { reason: "stake_config" });
}
