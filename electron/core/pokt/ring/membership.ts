// Which keys may sign an application's relays (docs/protocol.md §4.2), as poktroll's ring client decides:
// the application and its gateways at the session end height, or the placeholder key when it has
// none. A signature is accepted when every key of ITS OWN ring is expected (subset, any order,
// repeats allowed), so rings from older gateways ([app, app], unsorted) keep verifying.
import { PLACEHOLDER_RING_ADDRESS, placeholderRingPublicKey } from "../keys.js";
import { RingSignatureError } from "./errors.js";
import { pointKey } from "./point-cache.js";
import { type RingSignature, deserializeRingSignature } from "./signature.js";
import { verifyRingSignature } from "./verify.js";

/** The parts of an on-chain Application that decide its ring. */
export interface ApplicationRingState {
  readonly address: string;
  readonly delegateeGatewayAddresses: readonly string[];
  /** `pending_undelegations`: the height an undelegation was recorded at → its gateways. */
  readonly pendingUndelegations: ReadonlyArray<{ readonly height: bigint; readonly gatewayAddresses: readonly string[] }>;
}

/**
 * Sorted ring addresses for signatures of sessions ending at `targetSessionEndHeight` (already
 * normalised to a session end height by the caller): current delegations, plus gateways whose
 * undelegation was recorded at or after that height (it had not happened yet for that session).
 */
export function ringAddressesForApplication(app: ApplicationRingState, targetSessionEndHeight: bigint): string[] {
  const gateways = new Set(app.delegateeGatewayAddresses);
  for (const pending of app.pendingUndelegations) {
    if (pending.height < targetSessionEndHeight) continue;
    for (const gateway of pending.gatewayAddresses) gateways.add(gateway);
  }
  if (gateways.size === 0) gateways.add(PLACEHOLDER_RING_ADDRESS);
  // Go's slices.Sort on strings compares bytes; for ASCII bech32 that is JS's default order.
  return [app.address, ...gateways].sort();
}

/**
 * Maps ring addresses to public keys, substituting the placeholder's key for its address.
 * @throws Error naming the first address without a known public key (an account that never signed
 * a transaction has none on chain and cannot be part of a ring).
 */
export function ringPublicKeysForAddresses(
  addresses: readonly string[],
  publicKeysByAddress: ReadonlyMap<string, Uint8Array>,
): Uint8Array[] {
  return addresses.map((address) => {
    if (address === PLACEHOLDER_RING_ADDRESS) return placeholderRingPublicKey();
    const publicKey = publicKeysByAddress.get(address);
    if (publicKey === undefined) throw new Error(`no public key known for ring member ${address}`);
    return publicKey;
  });
}

/** True iff every key of `signatureRing` is one of `expectedKeys` (order and repeats ignored). */
export function isRingSubsetOf(signatureRing: readonly Uint8Array[], expectedKeys: readonly Uint8Array[]): boolean {
  const expected = new Set(expectedKeys.map(pointKey));
  return signatureRing.every((key) => expected.has(pointKey(key)));
}

export type ApplicationRingCheck =
  | { readonly valid: true; readonly signature: RingSignature }
  | { readonly valid: false; readonly reason: "malformed" | "unexpected_ring_member" | "invalid_signature"; readonly detail: string };

/**
 * The relay-request check of poktroll's ring client, in its order: decode, subset test against the
 * application's expected keys, then verification against the signature's own ring.
 * @throws RingSignatureError only for a message that is not 32 bytes.
 */
export function checkApplicationRingSignature(params: {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly expectedRingPublicKeys: readonly Uint8Array[];
}): ApplicationRingCheck {
  let signature: RingSignature;
  try {
    signature = deserializeRingSignature(params.signature);
  } catch (error) {
    if (error instanceof RingSignatureError) return { valid: false, reason: "malformed", detail: error.message };
    throw error;
  }
  if (!isRingSubsetOf(signature.publicKeys, params.expectedRingPublicKeys)) {
    return { valid: false, reason: "unexpected_ring_member", detail: "the signature's ring holds a key outside the application's ring" };
  }
  if (!verifyRingSignature(signature, params.message)) {
    return { valid: false, reason: "invalid_signature", detail: "invalid relay request signature or bytes" };
  }
  return { valid: true, signature };
}
