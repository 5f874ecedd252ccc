import type { walletMethods } from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";
import type { WalletService } from "./wallet-service.js";

export type WalletMethodName = keyof typeof walletMethods;

/** The wallet's API: thin adapters from validated parameters to the service, which owns every rule. */
export function createWalletHandlers(wallet: WalletService): HandlersFor<WalletMethodName> {
  return {
    "wallet.status": () => wallet.snapshot(),
    "wallet.list": () => wallet.listAccounts(),
    "wallet.create": async (params) => {
      const { account, mnemonic } = await wallet.create(params);
      return { account, mnemonic, snapshot: wallet.snapshot() };
    },
    "wallet.import": async (params) => ({ account: await wallet.importAccount(params), snapshot: wallet.snapshot() }),
    "wallet.unlock": ({ passphrase, remember }) => wallet.unlock(passphrase, remember),
    "wallet.lock": () => wallet.lock(),
    "wallet.forgetDevice": () => wallet.forgetDevice(),
    "wallet.changePassphrase": ({ currentPassphrase, newPassphrase }) => wallet.changePassphrase(currentPassphrase, newPassphrase),
    "wallet.reveal": ({ address, passphrase }) => wallet.reveal(address, passphrase),
    "wallet.rename": ({ address, label }) => wallet.rename(address, label),
    "wallet.prepareDelete": ({ address }) => wallet.prepareDelete(address),
    "wallet.delete": async ({ address, confirmationToken, passphrase }) => {
      await wallet.confirmPassphrase(passphrase, "delete account");
      return wallet.deleteAccount(address, confirmationToken);
    },
    "wallet.setOperator": ({ address }) => wallet.setOperator(address),
    "wallet.setOwner": async ({ address, passphrase }) => {
      await wallet.confirmPassphrase(passphrase, "change owner");
      return wallet.setOwner(address);
    },
    "wallet.stakeCommand": (params) => wallet.stakeCommand(params),
  };
}
