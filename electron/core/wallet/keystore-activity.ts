import { channel, subscribe, unsubscribe } from "node:diagnostics_channel";

/**
 * What the keystore did with passphrase-protected material, named without the material itself: a key derived from a
 * passphrase, one account's secret encrypted or decrypted. Published on a Node diagnostics channel so tests (and a
 * debugging session) can see exactly when secrets are opened, e.g. that renaming an account opens none.
 */
export type KeystoreActivity =
  | { operation: "derive-keys" }
  | { operation: "decrypt-secret"; address: string }
  | { operation: "encrypt-secret"; address: string };

export const KEYSTORE_ACTIVITY_CHANNEL = "pocketforge:wallet:keystore";

const activity = channel(KEYSTORE_ACTIVITY_CHANNEL);

export function reportKeystoreActivity(event: KeystoreActivity): void {
  if (activity.hasSubscribers) activity.publish(event);
}

/** Records every keystore activity until the returned `stop` is called. */
export function recordKeystoreActivity(): { events: KeystoreActivity[]; stop: () => void } {
  const events: KeystoreActivity[] = [];
  const listener = (message: unknown) => void events.push(message as KeystoreActivity);
  subscribe(KEYSTORE_ACTIVITY_CHANNEL, listener);
  return { events, stop: () => void unsubscribe(KEYSTORE_ACTIVITY_CHANNEL, listener) };
}
