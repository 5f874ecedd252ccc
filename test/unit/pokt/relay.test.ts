// Relays (docs/protocol.md §4.1, §6): signable bytes, mined relay bytes and hashes, difficulty, validation.
// Vectors: §15.1 (upstream relay fixtures) and §15.4 (end-to-end relay example).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { POKTHTTPRequest, POKTHTTPResponse } from "../../../electron/core/pokt/proto/http.js";
import { Claim } from "../../../electron/core/pokt/proto/proof.js";
import { Relay, RelayRequest, RelayResponse } from "../../../electron/core/pokt/proto/service.js";
import { SessionHeader } from "../../../electron/core/pokt/proto/session.js";
import {
  baseRelayDifficultyTarget,
  COMPUTE_UNITS_PER_RELAY_MAX,
  computeNewDifficultyTarget,
  isRelayVolumeApplicable,
  isValidAccountAddress,
  isValidComputeUnitsPerRelay,
  mineRelay,
  payloadHash,
  relayBytes,
  relayForMining,
  relayHash,
  relayRequestSignableBytes,
  relayRequestSignableHash,
  validateRelayRequest,
  validateRelayResponse,
  validateSessionHeader,
} from "../../../electron/core/pokt/relay.js";

/** §15.1: the first minable and unminable fixture relays (addresses use the `cosmos` prefix). */
const fixtureRelays = {
  minable0:
    "0a8b010a88010a450a2d636f736d6f733163346c30677467327337396d6b336b337476657671756165376a6d3465346d" +
    "617838643664381204737663311a0a73657373696f6e5f6964200128021210b2eb9fdddd0d65d020887168d33f12d41a" +
    "2d636f736d6f733179796c647878667732743361706a70723573763366686b6b78657574747a37676c6b7130326b127d" +
    "0a590a450a2d636f736d6f733163346c30677467327337396d6b336b337476657671756165376a6d3465346d61783864" +
    "3664381204737663311a0a73657373696f6e5f6964200128021210b2eb9fdddd0d65d020887168d33f12d42220d82cd0" +
    "33a9e31d483c8645ef02fb431231d38f45325f4c84fbfedf2547f25afb",
  unminable0:
    "0a8b010a88010a450a2d636f736d6f7331767932686d6e30716467366d74657030757273356677383677646b78787161" +
    "6e61366b6771301204737663311a0a73657373696f6e5f69642001280212107cd1fbc9b79481e552d52c9ce14a7f131a" +
    "2d636f736d6f73317a72717476776c636c6a66676e7765726a723436327a7668336e653238726b3364336373676c127d" +
    "0a590a450a2d636f736d6f7331767932686d6e30716467366d74657030757273356677383677646b787871616e61366b" +
    "6771301204737663311a0a73657373696f6e5f69642001280212107cd1fbc9b79481e552d52c9ce14a7f132220573b6a" +
    "884ef2e43ff5bbaa9f948c25d4c4d1faddfbdc717a8103d123d069cadb",
};

/** §15.1: SHA-256 of every fixture and whether it is below the fixture target. */
const fixtureHashes: Array<[string, string, boolean]> = [
  ["minable[0]", "000017d1fbb181044854b1fe76dc5db0dc6d95797310747b1290ffc52b7cab0d", true],
  ["minable[1]", "0000c1cc08625e9457d7bbb5045b7d981f97780705bc06e3f49a189971f97082", true],
  ["minable[2]", "000090c31bd08b86ff07f6bdbaa647fb0a2c8cf11f1e32dc51fb54ad7ebeb382", true],
  ["minable[3]", "00006d311fce520abeff58a4980b77b1e00a18eae900d2dc15caecc393c69e3d", true],
  ["minable[4]", "0000fd176a0c90a7c60c697a8843062c736168a14ad1823c05b16c49ee3b87a2", true],
  ["unminable[0]", "1821b78c1af355e6fb8efd3288dc78b256dc71f95816f2e71f822a5acac9a8f0", false],
  ["unminable[1]", "f41607a6c79ac270a82f4e747d757ca66d45b9d4ca0024701f4363c415fbea93", false],
  ["unminable[2]", "273ca0102898fa0951368d49ceed37762c424f1583d25db20c9d1018d6768c2a", false],
  ["unminable[3]", "5fc6763294cdd2848d7632c54addf04d64f30a52b7292c75b49672c690f682f5", false],
  ["unminable[4]", "27bf220dda5a8f9fc7e2109f1ff977a9bc4029752ec35c351c7f7b4d1d242249", false],
];
const fixtureTarget = hexToBytes("0000" + "ff".repeat(30));

/** §15.4: the end-to-end relay example. */
const example = {
  sessionHeaderHex:
    "0a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838656412036c" +
    "6c6d1a403764373730323162616161363464396261303830366239333264353031663839623534303137633839373236" +
    "323163633262356630626636623934356237656120652878",
  httpRequestHex:
    "0a04504f535412300a0c436f6e74656e742d5479706512200a0c436f6e74656e742d5479706512106170706c69636174" +
    "696f6e2f6a736f6e1a2a68747470733a2f2f726d2e6578616d706c652e636f6d2f76312f636861742f636f6d706c6574" +
    "696f6e73223e7b226d6f64656c223a226c6c616d6133222c226d65737361676573223a5b7b22726f6c65223a22757365" +
    "72222c22636f6e74656e74223a226869227d5d7d",
  unsignedRequestHex:
    "0aa7010a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838" +
    "656412036c6c6d1a40376437373032316261616136346439626130383036623933326435303166383962353430313763" +
    "38393732363231636332623566306266366239343562376561206528781a2b706f6b74317a726e3472396b7273713265" +
    "783878636b746b38773430776e7135657636633530387a7a6d7212a4010a04504f535412300a0c436f6e74656e742d54" +
    "79706512200a0c436f6e74656e742d5479706512106170706c69636174696f6e2f6a736f6e1a2a68747470733a2f2f72" +
    "6d2e6578616d706c652e636f6d2f76312f636861742f636f6d706c6574696f6e73223e7b226d6f64656c223a226c6c61" +
    "6d6133222c226d65737361676573223a5b7b22726f6c65223a2275736572222c22636f6e74656e74223a226869227d5d" +
    "7d",
  requestSignableHashHex: "5c5c20a865c5b1358297b9f7b38286cc6f4fe9ce060a2cd939fbc61c4d3db0b4",
  ringSignatureHex:
    "000000026a2e9cdd3608fe707a31edb47aced6d0c7d0bed63d3ab7c17d416560d63d711d022d38f0cb9d471f455928f4" +
    "8d553d5dccaef2c7eec46a019c4e166951ae1e84be39ad8ff5f0d5fcfbb42ff830e9d099fed0e33869593af0f29c1fce" +
    "487c8e786d0378061bf9347b34128a0607533094bdc5008d28a9d55f18e55c11b3e4bf37b911077fd37b0a4cc5c7ff5c" +
    "d26ab2933f8af4053bdfe63ad3d8e19ba331618332b6033b9fa36b246d26b22864f81712b185d990bc510dc26b0e248d" +
    "21c10e5aee7969",
  signedRequestHex:
    "0af1020a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838" +
    "656412036c6c6d1a40376437373032316261616136346439626130383036623933326435303166383962353430313763" +
    "383937323632316363326235663062663662393435623765612065287812c701000000026a2e9cdd3608fe707a31edb4" +
    "7aced6d0c7d0bed63d3ab7c17d416560d63d711d022d38f0cb9d471f455928f48d553d5dccaef2c7eec46a019c4e1669" +
    "51ae1e84be39ad8ff5f0d5fcfbb42ff830e9d099fed0e33869593af0f29c1fce487c8e786d0378061bf9347b34128a06" +
    "07533094bdc5008d28a9d55f18e55c11b3e4bf37b911077fd37b0a4cc5c7ff5cd26ab2933f8af4053bdfe63ad3d8e19b" +
    "a331618332b6033b9fa36b246d26b22864f81712b185d990bc510dc26b0e248d21c10e5aee79691a2b706f6b74317a72" +
    "6e3472396b7273713265783878636b746b38773430776e7135657636633530387a7a6d7212a4010a04504f535412300a" +
    "0c436f6e74656e742d5479706512200a0c436f6e74656e742d5479706512106170706c69636174696f6e2f6a736f6e1a" +
    "2a68747470733a2f2f726d2e6578616d706c652e636f6d2f76312f636861742f636f6d706c6574696f6e73223e7b226d" +
    "6f64656c223a226c6c616d6133222c226d65737361676573223a5b7b22726f6c65223a2275736572222c22636f6e7465" +
    "6e74223a226869227d5d7d",
  httpResponseHex:
    "08c80112300a0c436f6e74656e742d5479706512200a0c436f6e74656e742d5479706512106170706c69636174696f6e" +
    "2f6a736f6e1a497b226964223a2231222c2263686f69636573223a5b7b226d657373616765223a7b22726f6c65223a22" +
    "617373697374616e74222c22636f6e74656e74223a2268656c6c6f227d7d5d7d",
  responseSignableHex:
    "0a7a0a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e76367373337530783865" +
    "6412036c6c6d1a4037643737303231626161613634643962613038303662393332643530316638396235343031376338" +
    "3937323632316363326235663062663662393435623765612065287822209b30a612872dfb80d88dd9b1b051afc2bf3f" +
    "ec58e1d455534e43215c195f25c9",
  payloadHashHex: "9b30a612872dfb80d88dd9b1b051afc2bf3fec58e1d455534e43215c195f25c9",
  supplierSignatureHex:
    "680d5d004d84cc73a5ec2df37bf3171bd292f650c7ebdaa307c84415093f75ac08e03797e623759d4000c42604bf87a8" +
    "746a6433a0e79d143fbbbc5812ff0d05",
  wireResponseHex:
    "0abc010a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838" +
    "656412036c6c6d1a40376437373032316261616136346439626130383036623933326435303166383962353430313763" +
    "38393732363231636332623566306266366239343562376561206528781240680d5d004d84cc73a5ec2df37bf3171bd2" +
    "92f650c7ebdaa307c84415093f75ac08e03797e623759d4000c42604bf87a8746a6433a0e79d143fbbbc5812ff0d0512" +
    "800108c80112300a0c436f6e74656e742d5479706512200a0c436f6e74656e742d5479706512106170706c6963617469" +
    "6f6e2f6a736f6e1a497b226964223a2231222c2263686f69636573223a5b7b226d657373616765223a7b22726f6c6522" +
    "3a22617373697374616e74222c22636f6e74656e74223a2268656c6c6f227d7d5d7d22209b30a612872dfb80d88dd9b1" +
    "b051afc2bf3fec58e1d455534e43215c195f25c9",
  relayHex:
    "0a9b040af1020a780a2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375" +
    "307838656412036c6c6d1a40376437373032316261616136346439626130383036623933326435303166383962353430" +
    "313763383937323632316363326235663062663662393435623765612065287812c701000000026a2e9cdd3608fe707a" +
    "31edb47aced6d0c7d0bed63d3ab7c17d416560d63d711d022d38f0cb9d471f455928f48d553d5dccaef2c7eec46a019c" +
    "4e166951ae1e84be39ad8ff5f0d5fcfbb42ff830e9d099fed0e33869593af0f29c1fce487c8e786d0378061bf9347b34" +
    "128a0607533094bdc5008d28a9d55f18e55c11b3e4bf37b911077fd37b0a4cc5c7ff5cd26ab2933f8af4053bdfe63ad3" +
    "d8e19ba331618332b6033b9fa36b246d26b22864f81712b185d990bc510dc26b0e248d21c10e5aee79691a2b706f6b74" +
    "317a726e3472396b7273713265783878636b746b38773430776e7135657636633530387a7a6d7212a4010a04504f5354" +
    "12300a0c436f6e74656e742d5479706512200a0c436f6e74656e742d5479706512106170706c69636174696f6e2f6a73" +
    "6f6e1a2a68747470733a2f2f726d2e6578616d706c652e636f6d2f76312f636861742f636f6d706c6574696f6e73223e" +
    "7b226d6f64656c223a226c6c616d6133222c226d65737361676573223a5b7b22726f6c65223a2275736572222c22636f" +
    "6e74656e74223a226869227d5d7d12e1010abc010a780a2b706f6b743132746e377a397063306b33756173636637386c" +
    "763073366c7a736e763673733375307838656412036c6c6d1a4037643737303231626161613634643962613038303662" +
    "393332643530316638396235343031376338393732363231636332623566306266366239343562376561206528781240" +
    "680d5d004d84cc73a5ec2df37bf3171bd292f650c7ebdaa307c84415093f75ac08e03797e623759d4000c42604bf87a8" +
    "746a6433a0e79d143fbbbc5812ff0d0522209b30a612872dfb80d88dd9b1b051afc2bf3fec58e1d455534e43215c195f" +
    "25c9",
  relayHashHex: "9bbe2e97ad5d8689d03423a2091b398e270b0caa13da5fbc0fedf12bf2f2a9de",
  claimHex:
    "0a2b706f6b74317a726e3472396b7273713265783878636b746b38773430776e7135657636633530387a7a6d7212780a" +
    "2b706f6b743132746e377a397063306b33756173636637386c763073366c7a736e763673733375307838656412036c6c" +
    "6d1a40376437373032316261616136346439626130383036623933326435303166383962353430313763383937323632" +
    "31636332623566306266366239343562376561206528781a3013ca8d563786d35043df536bdeec3abf35553c332ce5e6" +
    "f94a5219fdeb891f9f00000000000000640000000000000001",
};

const appAddress = "pokt12tn7z9pc0k3uascf78lv0s6lzsnv6ss3u0x8ed";
const supplierAddress = "pokt1zrn4r9krsq2ex8xcktk8w40wnq5ev6c508zzmr";
const exampleHeader = SessionHeader.fromPartial({
  applicationAddress: appAddress,
  serviceId: "llm",
  sessionId: "7d77021baaa64d9ba0806b932d501f89b54017c8972621cc2b5f0bf6b945b7ea",
  sessionStartBlockHeight: 101n,
  sessionEndBlockHeight: 120n,
});
const jsonHeader = new Map([["Content-Type", { key: "Content-Type", values: ["application/json"] }]]);

describe("§15.1 relay fixtures", () => {
  for (const [name, hex] of Object.entries(fixtureRelays)) {
    test(`${name}: decode → encode reproduces the bytes`, () => {
      assert.equal(bytesToHex(relayBytes(Relay.decode(hexToBytes(hex)))), hex);
    });
  }

  test("the relay hash is SHA-256 of the relay bytes", () => {
    assert.equal(bytesToHex(relayHash(hexToBytes(fixtureRelays.minable0))), fixtureHashes[0][1]);
    assert.equal(bytesToHex(relayHash(hexToBytes(fixtureRelays.unminable0))), fixtureHashes[5][1]);
  });

  test("the five minable hashes are below the target 0000ff…ff and the five others are not", () => {
    for (const [name, hash, minable] of fixtureHashes) {
      assert.equal(isRelayVolumeApplicable(hexToBytes(hash), fixtureTarget), minable, name);
    }
  });

  test("the fixture response carries a payload hash and no payload, as mined relays do", () => {
    const relay = Relay.decode(hexToBytes(fixtureRelays.minable0));
    assert.equal(relay.res?.payload.length, 0);
    assert.equal(relay.res?.payloadHash.length, 32);
    assert.equal(relay.req?.meta.sessionHeader?.serviceId, "svc1");
  });
});

describe("§15.4 end-to-end relay", () => {
  const request = RelayRequest.decode(hexToBytes(example.signedRequestHex));
  const response = RelayResponse.decode(hexToBytes(example.wireResponseHex));

  test("the HTTP envelopes and the session header encode to the vector bytes", () => {
    const httpRequest = POKTHTTPRequest.fromPartial({
      method: "POST",
      header: jsonHeader,
      url: "https://rm.example.com/v1/chat/completions",
      bodyBz: utf8ToBytes('{"model":"llama3","messages":[{"role":"user","content":"hi"}]}'),
    });
    assert.equal(bytesToHex(POKTHTTPRequest.toBytes(httpRequest)), example.httpRequestHex);
    const httpResponse = POKTHTTPResponse.fromPartial({
      statusCode: 200,
      header: jsonHeader,
      bodyBz: utf8ToBytes('{"id":"1","choices":[{"message":{"role":"assistant","content":"hello"}}]}'),
    });
    assert.equal(bytesToHex(POKTHTTPResponse.toBytes(httpResponse)), example.httpResponseHex);
    assert.equal(bytesToHex(SessionHeader.toBytes(exampleHeader)), example.sessionHeaderHex);
  });

  test("an unsigned request built from its parts is the vector's signable bytes, hashing to the vector", () => {
    const unsigned = RelayRequest.fromPartial({
      meta: { sessionHeader: exampleHeader, supplierOperatorAddress: supplierAddress },
      payload: hexToBytes(example.httpRequestHex),
    });
    assert.equal(bytesToHex(relayRequestSignableBytes(unsigned)), example.unsignedRequestHex);
    assert.equal(bytesToHex(relayRequestSignableHash(unsigned)), example.requestSignableHashHex);
  });

  test("the signed request decodes to its parts, and its signable bytes drop only the signature", () => {
    assert.equal(bytesToHex(RelayRequest.toBytes(request)), example.signedRequestHex);
    assert.equal(bytesToHex(request.meta.signature), example.ringSignatureHex);
    assert.equal(bytesToHex(relayRequestSignableBytes(request)), example.unsignedRequestHex);
    assert.equal(bytesToHex(relayRequestSignableHash(request)), example.requestSignableHashHex);
    assert.equal(request.meta.signature.length, 199, "computing signable bytes must not clear the caller's signature");
  });

  test("the response on the wire round-trips and its payload hash is SHA-256 of the payload", () => {
    assert.equal(bytesToHex(RelayResponse.toBytes(response)), example.wireResponseHex);
    assert.equal(bytesToHex(response.payload), example.httpResponseHex);
    assert.equal(bytesToHex(payloadHash(response.payload)), example.payloadHashHex);
    assert.equal(bytesToHex(response.payloadHash), example.payloadHashHex);
    assert.equal(bytesToHex(response.meta.supplierOperatorSignature), example.supplierSignatureHex);
  });

  test("the response's signable form (signature and payload emptied) encodes to the vector", () => {
    const signable = {
      ...response,
      meta: { ...response.meta, supplierOperatorSignature: new Uint8Array(0) },
      payload: new Uint8Array(0),
    };
    assert.equal(bytesToHex(RelayResponse.toBytes(signable)), example.responseSignableHex);
  });

  test("the mined relay (response payload dropped) is the 770-byte SMST value with the vector's hash", () => {
    const mined = mineRelay(request, response);
    assert.equal(mined.bytes.length, 770);
    assert.equal(bytesToHex(mined.bytes), example.relayHex);
    assert.equal(bytesToHex(mined.hash), example.relayHashHex);
    assert.equal(bytesToHex(sha256(mined.hash)), "0a25c50b504db6a62cf62a26329f94ef80643aa2d6114b7955b6283862178b42");
    assert.equal(response.payload.length, 128, "mining must not strip the caller's response payload");
  });

  test("the mined relay decodes back to the same bytes", () => {
    assert.equal(bytesToHex(relayBytes(Relay.decode(hexToBytes(example.relayHex)))), example.relayHex);
  });

  test("the claim for the session encodes to the vector (status 0 omitted)", () => {
    const claim = Claim.fromPartial({
      supplierOperatorAddress: supplierAddress,
      sessionHeader: exampleHeader,
      rootHash: hexToBytes(
        "13ca8d563786d35043df536bdeec3abf35553c332ce5e6f94a5219fdeb891f9f00000000000000640000000000000001",
      ),
    });
    assert.equal(bytesToHex(Claim.toBytes(claim)), example.claimHex);
    assert.equal(bytesToHex(sha256(Claim.toBytes(claim))), "d1f0269a78946689050224df7a93992ed2c5115f27028e34143d1e840609d983");
  });
});

describe("relay for mining", () => {
  test("keeps meta, signature, payload hash and relay-miner error; empties only the payload", () => {
    const request = RelayRequest.fromPartial({ meta: { signature: new Uint8Array([1]) }, payload: new Uint8Array([2]) });
    const response = RelayResponse.fromPartial({
      meta: { supplierOperatorSignature: new Uint8Array([3]) },
      payload: new Uint8Array([4, 5]),
      payloadHash: new Uint8Array([6]),
      relayMinerError: { codespace: "x", code: 1 },
    });
    const relay = relayForMining(request, response);
    assert.equal(relay.req, request);
    assert.deepEqual(relay.res, { ...response, payload: new Uint8Array(0) });
    assert.deepEqual(response.payload, new Uint8Array([4, 5]));
  });
});

describe("difficulty", () => {
  const hex = (prefix: string) => hexToBytes(prefix + "ff".repeat(32 - prefix.length / 2));

  test("applicability is a strict big-endian comparison (§15.1 IsRelayVolumeApplicable cases)", () => {
    const target = hex("00ff");
    assert.equal(isRelayVolumeApplicable(hex("000f"), target), true);
    assert.equal(isRelayVolumeApplicable(hex("00ef"), target), true);
    assert.equal(isRelayVolumeApplicable(hex("00ff"), target), false, "equal is not below");
    assert.equal(isRelayVolumeApplicable(hex("0eff"), target), false);
    assert.equal(isRelayVolumeApplicable(hex("ffff"), target), false);
  });

  test("the base target admits everything but the all-ones hash", () => {
    const base = baseRelayDifficultyTarget();
    assert.equal(bytesToHex(base), "ff".repeat(32));
    assert.equal(isRelayVolumeApplicable(hex("fffe"), base), true);
    assert.equal(isRelayVolumeApplicable(hex("ffff"), base), false);
  });

  test("new targets scale by target/EMA, are capped at the base and padded to 32 bytes (§15.1)", () => {
    const base = baseRelayDifficultyTarget();
    assert.equal(bytesToHex(computeNewDifficultyTarget(base, 50n, 800n)), "0f" + "ff".repeat(31));
    assert.equal(bytesToHex(computeNewDifficultyTarget(base, 50n, 6400n)), "01" + "ff".repeat(31));
    assert.equal(bytesToHex(computeNewDifficultyTarget(base, 100n, 50n)), "ff".repeat(32));
    assert.equal(bytesToHex(computeNewDifficultyTarget(hex("00ff"), 1n, 256n)), "0000" + "ff".repeat(30));
    assert.throws(() => computeNewDifficultyTarget(base, 1n, 0n), RangeError);
  });

  test("an unchanged EMA keeps the previous target as is", () => {
    const previous = hex("0abc");
    assert.equal(computeNewDifficultyTarget(previous, 100_000n, 100_000n), previous);
  });
});

describe("compute units", () => {
  test("compute units per relay range over 1..2<<20", () => {
    assert.equal(COMPUTE_UNITS_PER_RELAY_MAX, 2_097_152n);
    assert.equal(isValidComputeUnitsPerRelay(1n), true);
    assert.equal(isValidComputeUnitsPerRelay(2_097_152n), true);
    assert.equal(isValidComputeUnitsPerRelay(2_097_153n), false);
    assert.equal(isValidComputeUnitsPerRelay(0n), false);
  });
});

describe("stateless validation", () => {
  test("the §15.4 request and response are valid", () => {
    assert.equal(validateRelayRequest(RelayRequest.decode(hexToBytes(example.signedRequestHex))), undefined);
    assert.equal(validateRelayResponse(RelayResponse.decode(hexToBytes(example.wireResponseHex))), undefined);
  });

  test("the upstream fixtures are valid under their own `cosmos` prefix only", () => {
    const relay = Relay.decode(hexToBytes(fixtureRelays.minable0));
    assert.equal(validateRelayRequest(relay.req!, "cosmos"), undefined);
    assert.match(validateRelayRequest(relay.req!) ?? "", /invalid application address/);
  });

  test("each broken header field is reported", () => {
    const cases: Array<[Partial<SessionHeader>, RegExp]> = [
      [{ applicationAddress: "pokt1notbech32" }, /application address/],
      [{ applicationAddress: supplierAddress.replace("pokt", "cosmos") }, /application address/],
      [{ sessionId: "" }, /session id/],
      [{ serviceId: "ollama:mistral:7b" }, /service id/],
      [{ sessionStartBlockHeight: 0n }, /start height/],
      [{ sessionEndBlockHeight: 101n }, /end height/],
    ];
    for (const [change, problem] of cases) {
      assert.match(validateSessionHeader({ ...exampleHeader, ...change }) ?? "valid", problem);
    }
    assert.equal(validateSessionHeader(undefined), "missing session header");
    assert.equal(validateSessionHeader(exampleHeader), undefined);
  });

  test("a request needs a signature and an operator; a response needs a signature", () => {
    const request = RelayRequest.decode(hexToBytes(example.signedRequestHex));
    assert.match(
      validateRelayRequest({ ...request, meta: { ...request.meta, signature: new Uint8Array(0) } }) ?? "",
      /missing application signature/,
    );
    assert.match(
      validateRelayRequest({ ...request, meta: { ...request.meta, supplierOperatorAddress: "" } }) ?? "",
      /missing supplier operator address/,
    );
    const response = RelayResponse.decode(hexToBytes(example.wireResponseHex));
    assert.match(
      validateRelayResponse({ ...response, meta: { ...response.meta, supplierOperatorSignature: new Uint8Array(0) } }) ?? "",
      /missing supplier operator signature/,
    );
  });

  test("addresses must be bech32 with the expected prefix", () => {
    assert.equal(isValidAccountAddress(appAddress), true);
    assert.equal(isValidAccountAddress(appAddress.slice(0, -1) + "q"), false, "bad checksum");
    assert.equal(isValidAccountAddress(appAddress, "cosmos"), false);
  });
});
