// Sessions (docs/protocol.md §5): grid, windows, ids (vectors of docs/protocol.md §14.2 and §14.4) and supplier selection.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { Application } from "../../../electron/core/pokt/proto/application.js";
import { Params as SharedParams, ServiceConfigUpdate, Supplier } from "../../../electron/core/pokt/proto/shared.js";
import {
  hasClaimWindowClosed,
  hasProofWindowClosed,
  hydrateSession,
  isRelayRewardEligible,
  isServiceConfigActive,
  isValidServiceId,
  isWithinClaimWindow,
  isWithinGracePeriod,
  isWithinProofWindow,
  isSettledAt,
  numPendingSessions,
  proofSeedBlockHeightOf,
  selectSessionSuppliers,
  sessionBounds,
  sessionId,
  sessionIdPreimage,
  sessionWindows,
  settlementHeightOf,
  SessionHydrationError,
  supplierSelectionWeight,
  type SessionHydrationInput,
} from "../../../electron/core/pokt/session.js";

/** Mainnet values of docs/protocol.md §13.2. */
const mainnetShared = SharedParams.fromPartial({
  numBlocksPerSession: 20n,
  gracePeriodEndOffsetBlocks: 10n,
  claimWindowOpenOffsetBlocks: 11n,
  claimWindowCloseOffsetBlocks: 10n,
  proofWindowOpenOffsetBlocks: 1n,
  proofWindowCloseOffsetBlocks: 10n,
  computeUnitsToTokensMultiplier: 145_990n,
  computeUnitCostGranularity: 1_000_000n,
});

/** The grid of the §15.2 fixtures: four blocks per session, anchored at block 1. */
const fourBlockGrid = SharedParams.fromPartial({ numBlocksPerSession: 4n });

describe("session grid", () => {
  test("the genesis grid (anchor 1) of the spec's example: [1..20], [21..40], …, [101..120]", () => {
    assert.deepEqual(sessionBounds(mainnetShared, 1n), { startHeight: 1n, endHeight: 20n, sessionNumber: 1n });
    assert.deepEqual(sessionBounds(mainnetShared, 20n), { startHeight: 1n, endHeight: 20n, sessionNumber: 1n });
    assert.deepEqual(sessionBounds(mainnetShared, 21n), { startHeight: 21n, endHeight: 40n, sessionNumber: 2n });
    assert.deepEqual(sessionBounds(mainnetShared, 101n), { startHeight: 101n, endHeight: 120n, sessionNumber: 6n });
    assert.deepEqual(sessionBounds(mainnetShared, 120n), { startHeight: 101n, endHeight: 120n, sessionNumber: 6n });
  });

  test("§15.2: heights 9 and 10 with 4-block sessions are session 3, blocks 9..12", () => {
    for (const height of [9n, 10n]) {
      assert.deepEqual(sessionBounds(fourBlockGrid, height), { startHeight: 9n, endHeight: 12n, sessionNumber: 3n });
    }
    assert.deepEqual(sessionBounds(fourBlockGrid, 5n), { startHeight: 5n, endHeight: 8n, sessionNumber: 2n });
  });

  test("heights at or below zero are not in any session", () => {
    for (const height of [0n, -7n]) {
      assert.deepEqual(sessionBounds(mainnetShared, height), { startHeight: 0n, endHeight: 0n, sessionNumber: 0n });
    }
  });

  test("an anchored grid counts from the anchor and keeps session numbers monotonic", () => {
    const anchored = { ...mainnetShared, sessionGridAnchorHeight: 1003n, sessionNumberAtAnchor: 60n };
    assert.deepEqual(sessionBounds(anchored, 1003n), { startHeight: 1003n, endHeight: 1022n, sessionNumber: 60n });
    assert.deepEqual(sessionBounds(anchored, 1030n), { startHeight: 1023n, endHeight: 1042n, sessionNumber: 61n });
  });

  test("an anchor after the height, or an unset anchor number, falls back as the chain does", () => {
    const anchored = { ...mainnetShared, sessionGridAnchorHeight: 1003n, sessionNumberAtAnchor: 60n };
    // Before the anchor: the genesis grid (1 + 24·20 = 481).
    assert.deepEqual(sessionBounds(anchored, 500n), { startHeight: 481n, endHeight: 500n, sessionNumber: 25n });
    const noNumber = { ...anchored, sessionNumberAtAnchor: 0n };
    assert.equal(sessionBounds(noNumber, 1003n).sessionNumber, 1n);
  });

  test("a zero session length is refused instead of dividing by zero", () => {
    assert.throws(() => sessionBounds({ ...mainnetShared, numBlocksPerSession: 0n }, 5n), RangeError);
  });
});

describe("session windows", () => {
  test("the worked mainnet timeline of §5.5 for session 101..120", () => {
    const expected = {
      sessionEndHeight: 120n,
      gracePeriodEndHeight: 130n,
      claimWindowOpenHeight: 132n,
      claimWindowCloseHeight: 142n,
      proofWindowOpenHeight: 143n,
      proofWindowCloseHeight: 153n,
      proofSeedBlockHeight: 142n,
      settlementHeight: 153n,
    };
    assert.deepEqual(sessionWindows(mainnetShared, 120n), expected);
    assert.deepEqual(sessionWindows(mainnetShared, 104n), expected, "any height of the session gives its windows");
  });

  test("serving, reward eligibility, claim and proof windows switch at the right blocks", () => {
    assert.equal(isWithinGracePeriod(mainnetShared, 120n, 130n), true);
    assert.equal(isWithinGracePeriod(mainnetShared, 120n, 131n), false);
    assert.equal(isRelayRewardEligible(mainnetShared, 120n, 131n), true);
    assert.equal(isRelayRewardEligible(mainnetShared, 120n, 132n), false);
    assert.deepEqual(
      [131n, 132n, 142n, 143n].map((h) => isWithinClaimWindow(mainnetShared, 120n, h)),
      [false, true, true, false],
    );
    assert.deepEqual(
      [142n, 143n, 153n, 154n].map((h) => isWithinProofWindow(mainnetShared, 120n, h)),
      [false, true, true, false],
    );
  });

  test("the predicates answer the same from the window heights alone (a tree rebuilt from the ledger)", () => {
    const { claimWindowOpenHeight, claimWindowCloseHeight, proofWindowOpenHeight, proofWindowCloseHeight, gracePeriodEndHeight } =
      sessionWindows(mainnetShared, 120n);
    const heights = { claimWindowOpenHeight, claimWindowCloseHeight, proofWindowOpenHeight, proofWindowCloseHeight };
    for (let h = 100n; h <= 160n; h++) {
      assert.equal(isWithinGracePeriod({ gracePeriodEndHeight }, h), isWithinGracePeriod(mainnetShared, 120n, h), `grace at ${h}`);
      assert.equal(isRelayRewardEligible(heights, h), isRelayRewardEligible(mainnetShared, 120n, h), `eligible at ${h}`);
      assert.equal(isWithinClaimWindow(heights, h), isWithinClaimWindow(mainnetShared, 120n, h), `claim window at ${h}`);
      assert.equal(isWithinProofWindow(heights, h), isWithinProofWindow(mainnetShared, 120n, h), `proof window at ${h}`);
    }
  });

  test("windows close after their last block; the claims settle once proof_close is committed", () => {
    const windows = sessionWindows(mainnetShared, 120n);
    assert.deepEqual([142n, 143n].map((h) => hasClaimWindowClosed(windows, h)), [false, true]);
    assert.deepEqual([153n, 154n].map((h) => hasProofWindowClosed(windows, h)), [false, true]);
    assert.deepEqual([152n, 153n].map((h) => isSettledAt(windows, h)), [false, true]);
    assert.equal(proofSeedBlockHeightOf(windows), windows.proofSeedBlockHeight);
    assert.equal(settlementHeightOf(windows), windows.settlementHeight);
  });

  test("pending sessions round the end→proof-close span up to whole sessions", () => {
    assert.equal(numPendingSessions(mainnetShared), 2n); // 32 blocks / 20
    const codeDefaults = SharedParams.fromPartial({
      numBlocksPerSession: 10n,
      claimWindowOpenOffsetBlocks: 1n,
      claimWindowCloseOffsetBlocks: 4n,
      proofWindowCloseOffsetBlocks: 4n,
    });
    assert.equal(numPendingSessions(codeDefaults), 1n); // 9 blocks / 10
  });
});

const h1 = hexToBytes("1b1051b7bf236fea13efa65b6be678514fa5b6ea0ae9a7a4b68d45f95e4f18e0");
const h5 = hexToBytes("261594ddc3c8afc5b4c63f59ee58e89d3a115bcd164c83fd79349de0b1ffd21d");
const h9 = hexToBytes("251665c7cf286a30fbd98acd983c63e9a34efc16496511373405e24eb02a8fb9");
const app1 = "pokt1mdccn4u38eyjdxkk4h0jaddw4n3c72u82m5m9e";
const app2 = "pokt133amv5suh75zwkxxcq896azvmmwszg99grvk9f";

describe("session id (§5.3)", () => {
  const vectors = [
    { app: app1, service: "svc1", hash: h1, start: 1n, id: "afd00273055a4fddc0beb30074e14d474c07f9e895d2795db006a5139048d54b" },
    { app: app1, service: "svc1", hash: h5, start: 5n, id: "e161348f2153bb41092040c3c287596f8daf98e90986475be21412a1ded945ed" },
    { app: app1, service: "svc1", hash: h9, start: 9n, id: "fea5d6f7544ff6d8af5c22529b2ccf01ed7930b3d454d42dda5ccc0b65b6ebfd" },
    { app: app1, service: "svc12", hash: h5, start: 5n, id: "c01eb8924dbb9dae7cab8ed56016ce8fdd2d23542f9e0b7ca8d6972d3fb45ce5" },
    { app: app2, service: "svc12", hash: h5, start: 5n, id: "f6dbe4961afd8ff0e444a1159d02bc645f9ded3daaa605c187e6bd7ee2232a68" },
  ];
  for (const v of vectors) {
    test(`§15.2 ${v.app.slice(0, 9)}… ${v.service} @${v.start}`, () => {
      const id = sessionId({ blockHash: v.hash, serviceId: v.service, applicationAddress: v.app, sessionStartHeight: v.start });
      assert.equal(id, v.id);
    });
  }

  test("§15.4: service llm, session starting at 101 with block hash SHA256(\"block-101\")", () => {
    const blockHash = sha256(utf8ToBytes("block-101"));
    assert.equal(bytesToHex(blockHash), "b7c30ae79d9c45ff181cb57ac729b486f78de0326855425a969fe7a8e5018b5e");
    const id = sessionId({
      blockHash,
      serviceId: "llm",
      applicationAddress: "pokt12tn7z9pc0k3uascf78lv0s6lzsnv6ss3u0x8ed",
      sessionStartHeight: 101n,
    });
    assert.equal(id, "7d77021baaa64d9ba0806b932d501f89b54017c8972621cc2b5f0bf6b945b7ea");
  });

  test("the preimage joins the parts with dots and ends with the start height as uint64 little-endian", () => {
    const preimage = sessionIdPreimage({
      blockHash: new Uint8Array([0xaa]),
      serviceId: "s",
      applicationAddress: "a",
      sessionStartHeight: 0x0102n,
    });
    assert.equal(bytesToHex(preimage), "aa2e732e612e" + "0201000000000000");
  });
});

function configUpdate(operator: string, service: string, activation: bigint, deactivation = 0n): ServiceConfigUpdate {
  return ServiceConfigUpdate.fromPartial({
    operatorAddress: operator,
    service: { serviceId: service, endpoints: [{ url: `https://${operator}.example`, rpcType: 4 }] },
    activationHeight: activation,
    deactivationHeight: deactivation,
  });
}

describe("supplier selection (§5.4)", () => {
  // Preimage of the §15.2 session (app1, svc1, start 1); weights cross-checked with Python's hashlib.
  const preimage = sessionIdPreimage({ blockHash: h1, serviceId: "svc1", applicationAddress: app1, sessionStartHeight: 1n });
  const operators = Array.from({ length: 6 }, (_, i) => `pokt1operator${i}`);

  test("weight = int64 of the first 8 bytes of SHA3-256(preimage ‖ \".\" ‖ operator) (signed)", () => {
    assert.equal(supplierSelectionWeight(preimage, "pokt1operator0"), 6856241224027122325n);
    assert.equal(supplierSelectionWeight(preimage, "pokt1operator3"), -1086340670572572931n);
    assert.equal(supplierSelectionWeight(preimage, "pokt1operator5"), 2067255755218793905n);
  });

  test("with more candidates than seats, the lowest weights win (negative weights first)", () => {
    const updates = operators.map((op) => configUpdate(op, "svc1", 1n));
    const selected = selectSessionSuppliers({
      serviceConfigUpdates: updates,
      serviceId: "svc1",
      queryHeight: 1n,
      numSuppliersPerSession: 3n,
      sessionIdPreimage: preimage,
    });
    assert.deepEqual(
      selected.map((u) => u.operatorAddress),
      ["pokt1operator3", "pokt1operator5", "pokt1operator2"],
    );
  });

  test("exactly as many candidates as seats are still ranked by weight", () => {
    const selected = selectSessionSuppliers({
      serviceConfigUpdates: operators.map((op) => configUpdate(op, "svc1", 1n)),
      serviceId: "svc1",
      queryHeight: 1n,
      numSuppliersPerSession: 6n,
      sessionIdPreimage: preimage,
    });
    assert.deepEqual(
      selected.map((u) => u.operatorAddress),
      ["pokt1operator3", "pokt1operator5", "pokt1operator2", "pokt1operator1", "pokt1operator0", "pokt1operator4"],
    );
  });

  test("fewer candidates than seats: all of them, in the chain's store order (activation, then operator)", () => {
    const updates = [
      configUpdate("pokt1b", "svc1", 3n),
      configUpdate("pokt1c", "svc1", 1n),
      configUpdate("pokt1a", "svc1", 3n),
    ];
    const selected = selectSessionSuppliers({
      serviceConfigUpdates: updates,
      serviceId: "svc1",
      queryHeight: 5n,
      numSuppliersPerSession: 10n,
      sessionIdPreimage: preimage,
    });
    assert.deepEqual(selected.map((u) => u.operatorAddress), ["pokt1c", "pokt1a", "pokt1b"]);
  });

  test("only configs of the service that are active at the query height are candidates", () => {
    const updates = [
      configUpdate("pokt1active", "svc1", 1n),
      configUpdate("pokt1future", "svc1", 6n),
      configUpdate("pokt1retired", "svc1", 1n, 5n),
      configUpdate("pokt1other", "svc2", 1n),
    ];
    const selected = selectSessionSuppliers({
      serviceConfigUpdates: updates,
      serviceId: "svc1",
      queryHeight: 5n,
      numSuppliersPerSession: 10n,
      sessionIdPreimage: preimage,
    });
    assert.deepEqual(selected.map((u) => u.operatorAddress), ["pokt1active"]);
    assert.equal(isServiceConfigActive({ activationHeight: 5n, deactivationHeight: 0n }, 5n), true);
    assert.equal(isServiceConfigActive({ activationHeight: 1n, deactivationHeight: 5n }, 4n), true);
  });
});

describe("session hydration", () => {
  const stakedApp = Application.fromPartial({
    address: app1,
    stake: { denom: "upokt", amount: "1000000" },
    serviceConfigs: [{ serviceId: "svc1" }],
  });
  const suppliers = new Map(
    ["pokt1operator1", "pokt1operator2"].map((op) => [
      op,
      Supplier.fromPartial({ ownerAddress: op, operatorAddress: op, stake: { denom: "upokt", amount: "5" } }),
    ]),
  );
  const base: SessionHydrationInput = {
    applicationAddress: app1,
    serviceId: "svc1",
    queryHeight: 6n,
    sharedParams: fourBlockGrid,
    numSuppliersPerSession: 15n,
    sessionStartBlockHash: h5,
    application: stakedApp,
    serviceConfigUpdates: [
      configUpdate("pokt1operator1", "svc1", 1n),
      configUpdate("pokt1operator2", "svc1", 1n),
      configUpdate("pokt1operator2", "svc2", 1n),
    ],
    suppliers,
  };

  test("builds the session GetSession answers: §15.2 header, number, dehydrated suppliers", () => {
    const session = hydrateSession(base);
    assert.deepEqual(session.header, {
      applicationAddress: app1,
      serviceId: "svc1",
      sessionId: "e161348f2153bb41092040c3c287596f8daf98e90986475be21412a1ded945ed",
      sessionStartBlockHeight: 5n,
      sessionEndBlockHeight: 8n,
    });
    assert.equal(session.sessionId, session.header?.sessionId);
    assert.equal(session.sessionNumber, 2n);
    assert.equal(session.numBlocksPerSession, 4n);
    assert.equal(session.application, stakedApp);
    assert.deepEqual(session.suppliers.map((s) => s.operatorAddress), ["pokt1operator1", "pokt1operator2"]);
    for (const supplier of session.suppliers) {
      assert.deepEqual(supplier.services.map((s) => s.serviceId), ["svc1"]);
      assert.deepEqual(supplier.serviceConfigHistory, []);
    }
  });

  const failures: Array<[string, Partial<SessionHydrationInput>, string]> = [
    ["an invalid service id", { serviceId: "ollama:mistral:7b" }, "invalid_service_id"],
    ["an unknown application", { application: undefined }, "application_not_found"],
    [
      "an application that finished unstaking in an earlier session",
      { application: { ...stakedApp, unstakeSessionEndHeight: 4n } },
      "application_not_active",
    ],
    [
      "an application staked for another service",
      { application: { ...stakedApp, serviceConfigs: [{ serviceId: "svc2" }] } },
      "application_not_staked_for_service",
    ],
    [
      "an application whose history moved it off the service before the query height",
      {
        application: {
          ...stakedApp,
          serviceConfigHistory: [
            { applicationAddress: app1, service: { serviceId: "svc1" }, activationHeight: 1n, deactivationHeight: 5n },
            { applicationAddress: app1, service: { serviceId: "svc2" }, activationHeight: 5n, deactivationHeight: 0n },
          ],
        },
      },
      "application_not_staked_for_service",
    ],
    ["a service without suppliers", { serviceConfigUpdates: [] }, "no_suppliers"],
  ];
  for (const [what, change, reason] of failures) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => hydrateSession({ ...base, ...change }),
        (error: unknown) => error instanceof SessionHydrationError && error.reason === reason,
      );
    });
  }

  test("an application unstaking at the end of this very session is still served", () => {
    const session = hydrateSession({ ...base, application: { ...stakedApp, unstakeSessionEndHeight: 8n } });
    assert.equal(session.header?.sessionEndBlockHeight, 8n);
  });

  test("service ids follow the chain's rule: [a-zA-Z0-9_-], 1..42 characters", () => {
    assert.equal(isValidServiceId("ai-inference"), true);
    assert.equal(isValidServiceId("a".repeat(42)), true);
    assert.equal(isValidServiceId("a".repeat(43)), false);
    assert.equal(isValidServiceId(""), false);
    assert.equal(isValidServiceId("llm\n"), false);
  });
});
