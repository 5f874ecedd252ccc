// Canonical encoding rules (docs/protocol.md §2.1) and strict decoding of the pocket protobuf codecs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { BinaryReader } from "cosmjs-types/binary";
import {
  application,
  cosmos,
  fromAny,
  gateway,
  http,
  pocketTypes,
  proof,
  ProtoDecodeError,
  ProtoEncodeError,
  queries,
  service,
  session,
  shared,
  supplier,
  toAny,
  tokenomics,
  type AnyMessageCodec,
} from "../../../electron/core/pokt/proto/index.js";
import { allCodecs } from "../../fixtures/pokt/all-codecs.js";

const hex = (bytes: Uint8Array) => bytesToHex(bytes);

function assertDecodeError(decode: () => unknown, typeName: string, reason?: RegExp): void {
  assert.throws(decode, (error: unknown) => {
    assert.ok(error instanceof ProtoDecodeError, `expected ProtoDecodeError, got ${String(error)}`);
    assert.equal(error.typeName, typeName);
    if (reason) assert.match(error.reason, reason);
    return true;
  });
}

describe("declared messages", () => {
  test("every message the spec lists exists under its package-qualified name", () => {
    const names = new Set(allCodecs.map((codec) => codec.typeName));
    const required = [
      "pocket.session.SessionHeader",
      "pocket.session.Session",
      "pocket.service.Relay",
      "pocket.service.RelayRequest",
      "pocket.service.RelayRequestMetadata",
      "pocket.service.RelayResponse",
      "pocket.service.RelayResponseMetadata",
      "pocket.service.RelayMinerError",
      "pocket.service.RelayMiningDifficulty",
      "pocket.service.RelayMiningDifficultyUpdate",
      "pocket.service.ServiceComputeUnitsPerRelayUpdate",
      "sdk.types.POKTHTTPRequest",
      "sdk.types.POKTHTTPResponse",
      "sdk.types.Header",
      "pocket.proof.Claim",
      "pocket.proof.Proof",
      "pocket.proof.SessionSMT",
      "pocket.shared.Service",
      "pocket.shared.Metadata",
      "pocket.shared.Supplier",
      "pocket.shared.SupplierServiceConfig",
      "pocket.shared.SupplierEndpoint",
      "pocket.shared.ServiceRevenueShare",
      "pocket.shared.ServiceConfigUpdate",
      "pocket.application.Application",
      "pocket.gateway.Gateway",
      ...["shared", "session", "proof", "tokenomics", "service", "supplier", "application", "gateway"].flatMap(
        (module) => [`pocket.${module}.Params`, `pocket.${module}.QueryParamsRequest`, `pocket.${module}.QueryParamsResponse`],
      ),
      "pocket.session.QueryGetSessionRequest",
      "pocket.shared.QueryParamsAtHeightResponse",
      "pocket.service.QueryComputeUnitsPerRelayAtHeightResponse",
      "pocket.proof.QueryAllClaimsRequest",
    ];
    for (const name of required) assert.ok(names.has(name), `${name} is missing`);
    assert.equal(names.size, allCodecs.length, "no two codecs share a type name");
  });

  test("field numbers follow the protos (spot checks of docs/protocol.md §2.3 and §10)", () => {
    const numbers = (codec: AnyMessageCodec) => Object.fromEntries(codec.fields.map((f) => [f.name, f.field.no]));
    assert.deepEqual(numbers(service.RelayResponse), { meta: 1, payload: 2, relayMinerError: 3, payloadHash: 4 });
    assert.deepEqual(numbers(shared.ServiceRevenueShare), { address: 1, revSharePercentage: 3 });
    assert.deepEqual(numbers(supplier.MsgStakeSupplier), {
      signer: 1,
      ownerAddress: 2,
      operatorAddress: 3,
      stake: 4,
      services: 5,
    });
    assert.deepEqual(numbers(session.Params), { numSuppliersPerSession: 3 });
    assert.deepEqual(numbers(proof.Params), {
      proofRequestProbability: 2,
      proofRequirementThreshold: 3,
      proofMissingPenalty: 4,
      proofSubmissionFee: 5,
    });
  });

  test("pocketTypes registers every Msg and response under its type URL", () => {
    const urls = pocketTypes.map(([url]) => url);
    const msgs = [
      "/pocket.supplier.MsgStakeSupplier",
      "/pocket.supplier.MsgUnstakeSupplier",
      "/pocket.service.MsgAddService",
      "/pocket.service.MsgTransferService",
      "/pocket.application.MsgStakeApplication",
      "/pocket.application.MsgUnstakeApplication",
      "/pocket.application.MsgDelegateToGateway",
      "/pocket.application.MsgUndelegateFromGateway",
      "/pocket.application.MsgTransferApplication",
      "/pocket.gateway.MsgStakeGateway",
      "/pocket.gateway.MsgUnstakeGateway",
      "/pocket.gateway.MsgUpdateGatewayMetadata",
      "/pocket.proof.MsgCreateClaim",
      "/pocket.proof.MsgSubmitProof",
    ];
    assert.deepEqual(new Set(urls), new Set(msgs.flatMap((url) => [url, `${url}Response`])));
    for (const [url, type] of pocketTypes) assert.equal((type as AnyMessageCodec).typeUrl, url);
  });

  test("query methods carry their gRPC path and the codecs of their package", () => {
    assert.equal(queries.getSession.path, "/pocket.session.Query/GetSession");
    assert.equal(queries.sharedParamsAtHeight.path, "/pocket.shared.Query/ParamsAtHeight");
    assert.equal(queries.computeUnitsPerRelayAtHeight.path, "/pocket.service.Query/ComputeUnitsPerRelayAtHeight");
    for (const [name, method] of Object.entries(queries)) {
      const pkg = method.path.split("/")[1].replace(/\.Query$/, "");
      assert.ok(method.request.typeName.startsWith(`${pkg}.Query`), name);
      assert.ok(method.response.typeName.startsWith(`${pkg}.Query`), name);
    }
  });
});

describe("canonical encoding", () => {
  test("proto3 defaults are omitted", () => {
    assert.equal(hex(session.SessionHeader.toBytes(session.SessionHeader.create())), "");
    assert.equal(hex(service.Relay.toBytes(service.Relay.create())), "");
    assert.equal(hex(shared.Params.toBytes(shared.Params.create())), "");
  });

  test("non-nullable messages are always written, even empty", () => {
    assert.equal(hex(service.RelayRequest.toBytes(service.RelayRequest.create())), "0a00");
    assert.equal(hex(service.RelayResponse.toBytes(service.RelayResponse.create())), "0a00");
    assert.equal(hex(service.MsgAddService.toBytes(service.MsgAddService.create())), "1200");
    assert.equal(hex(tokenomics.Params.toBytes(tokenomics.Params.create())), "0a004200");
  });

  test("a present nullable message is written even when all its fields are default", () => {
    const relay = service.Relay.fromPartial({ req: {} });
    assert.equal(hex(service.Relay.toBytes(relay)), "0a020a00");
    const meta = service.RelayRequestMetadata.fromPartial({ sessionHeader: {} });
    assert.equal(hex(service.RelayRequestMetadata.toBytes(meta)), "0a00");
  });

  test("fields are written in field-number order, not declaration order", () => {
    const response = service.RelayResponse.fromPartial({
      payloadHash: new Uint8Array([2]),
      relayMinerError: { code: 1 },
      payload: new Uint8Array([1]),
    });
    assert.equal(hex(service.RelayResponse.toBytes(response)), "0a00" + "120101" + "1a021001" + "220102");
  });

  test("repeated strings keep every element, empty ones included", () => {
    const list = application.UndelegatingGatewayList.fromPartial({ gatewayAddresses: ["", "a"] });
    assert.equal(hex(application.UndelegatingGatewayList.toBytes(list)), "1200" + "120161");
  });

  test("int64 heights are plain varints; negatives take ten bytes", () => {
    const header = session.SessionHeader.fromPartial({ sessionStartBlockHeight: -1n, sessionEndBlockHeight: 300n });
    const bytes = session.SessionHeader.toBytes(header);
    assert.equal(hex(bytes), "20ffffffffffffffffff01" + "28ac02");
    assert.deepEqual(session.SessionHeader.decode(bytes), header);
  });

  test("64-bit varints are exact around the 32-bit boundary (cosmjs-types' writer is not)", () => {
    const cases: Array<[bigint, string]> = [
      [2_147_483_647n, "ffffffff07"],
      [2_147_483_648n, "8080808008"],
      [2_263_074_199n, "978b8fb708"],
      [4_294_967_295n, "ffffffff0f"],
      [4_294_967_296n, "8080808010"],
      [1n << 63n, "80808080808080808001"],
    ];
    for (const [value, varint] of cases) {
      const bytes = cosmos.PageResponse.toBytes(cosmos.PageResponse.fromPartial({ total: value }));
      assert.equal(hex(bytes), `10${varint}`, `uint64 ${value}`);
      assert.equal(cosmos.PageResponse.decode(bytes).total, value);
    }
    for (const [value, varint] of [
      [-2_147_483_648n, "80808080f8ffffffff01"],
      [-2_147_483_649n, "fffffffff7ffffffff01"],
      [3_000_000_000n, "80bcc1960b"],
    ] as Array<[bigint, string]>) {
      const header = session.SessionHeader.fromPartial({ sessionEndBlockHeight: value });
      assert.equal(hex(session.SessionHeader.toBytes(header)), `28${varint}`, `int64 ${value}`);
      assert.equal(session.SessionHeader.decode(session.SessionHeader.toBytes(header)).sessionEndBlockHeight, value);
    }
  });

  test("negative enums are sign-extended and uint64 reaches 2^64−1", () => {
    const claim = proof.Claim.fromPartial({ proofValidationStatus: -1 });
    assert.equal(hex(proof.Claim.toBytes(claim)), "20ffffffffffffffffff01");
    assert.equal(proof.Claim.decode(proof.Claim.toBytes(claim)).proofValidationStatus, -1);
    const max = shared.Supplier.fromPartial({ unstakeSessionEndHeight: (1n << 64n) - 1n });
    assert.equal(hex(shared.Supplier.toBytes(max)), "28ffffffffffffffffff01");
    assert.equal(shared.Supplier.decode(shared.Supplier.toBytes(max)).unstakeSessionEndHeight, (1n << 64n) - 1n);
  });

  test("doubles are 8 little-endian bytes; zero and negative zero are omitted", () => {
    const bytes = proof.Params.toBytes(proof.Params.fromPartial({ proofRequestProbability: 0.25 }));
    assert.equal(hex(bytes), "11000000000000d03f");
    assert.equal(proof.Params.decode(bytes).proofRequestProbability, 0.25);
    assert.equal(hex(proof.Params.toBytes(proof.Params.fromPartial({ proofRequestProbability: -0 }))), "");
    const mainnet = tokenomics.Params.fromPartial({ mintRatio: 0.975, globalInflationPerClaim: 0.000001 });
    assert.deepEqual(tokenomics.Params.decode(tokenomics.Params.toBytes(mainnet)), mainnet);
  });

  test("oneof members are written when set, even to their zero value, and the last one read wins", () => {
    const request = proof.QueryAllClaimsRequest.fromPartial({ sessionEndHeight: 0n });
    assert.equal(hex(proof.QueryAllClaimsRequest.toBytes(request)), "2000");
    assert.equal(hex(proof.QueryAllClaimsRequest.toBytes(proof.QueryAllClaimsRequest.create())), "");
    const idThenHeight = proof.QueryAllClaimsRequest.decode(hexToBytes("1a0173" + "2005"));
    assert.deepEqual([idThenHeight.sessionId, idThenHeight.sessionEndHeight], [undefined, 5n]);
    const heightThenId = proof.QueryAllClaimsRequest.decode(hexToBytes("2005" + "1a0173"));
    assert.deepEqual([heightThenId.sessionId, heightThenId.sessionEndHeight], ["s", undefined]);
  });
});

describe("maps", () => {
  const header = (key: string) => ({ key, values: [`v-${key}`] });

  test("string keys are written sorted by their UTF-8 bytes, whatever the insertion order", () => {
    // U+FFFD (ef bf bd) sorts before U+1F600 (f0 9f 98 80) in UTF-8, after it in UTF-16.
    const keys = ["b", "\u{1F600}", "a", "\uFFFD"];
    const request = http.POKTHTTPRequest.fromPartial({ header: new Map(keys.map((k) => [k, header(k)])) });
    const reversed = http.POKTHTTPRequest.fromPartial({ header: new Map([...keys].reverse().map((k) => [k, header(k)])) });
    const bytes = http.POKTHTTPRequest.toBytes(request);
    assert.equal(hex(bytes), hex(http.POKTHTTPRequest.toBytes(reversed)));
    assert.deepEqual([...http.POKTHTTPRequest.decode(bytes).header.keys()], ["a", "b", "\uFFFD", "\u{1F600}"]);
  });

  test("§15.6: shannon-sdk's POKTHTTPRequest example round-trips, headers in key order", () => {
    const request = http.POKTHTTPRequest.fromPartial({
      method: "POST",
      url: "http://localhost:8080",
      header: new Map([
        ["Content-Type", { key: "Content-Type", values: ["application/json"] }],
        ["Arbitrary-Key", { key: "Arbitrary-Key", values: ["arbitrary-first-value", "arbitrary-second-value"] }],
      ]),
      bodyBz: new TextEncoder().encode('{"key":"value"}'),
    });
    const decoded = http.POKTHTTPRequest.decode(http.POKTHTTPRequest.toBytes(request));
    assert.deepEqual(decoded, request);
    assert.deepEqual([...decoded.header.keys()], ["Arbitrary-Key", "Content-Type"]);
    assert.deepEqual(decoded.header.get("Arbitrary-Key")?.values, ["arbitrary-first-value", "arbitrary-second-value"]);
  });

  test("an entry writes its key and value even when both are empty", () => {
    const response = http.POKTHTTPResponse.fromPartial({ header: new Map([["", {}]]) });
    assert.equal(hex(http.POKTHTTPResponse.toBytes(response)), "1204" + "0a00" + "1200");
  });

  test("a repeated key on the wire keeps the last value", () => {
    const entry = (value: string) => {
      const inner = `0a01${bytesToHex(new TextEncoder().encode("k"))}1205` + `1203${bytesToHex(new TextEncoder().encode(value))}`;
      return `12${(inner.length / 2).toString(16).padStart(2, "0")}${inner}`;
    };
    const decoded = http.POKTHTTPResponse.decode(hexToBytes(entry("one") + entry("two")));
    assert.deepEqual([...decoded.header.entries()], [["k", { key: "", values: ["two"] }]]);
  });

  test("uint64 keys are sorted numerically and a zero key is still written", () => {
    const gateways = (name: string) => ({ gatewayAddresses: [name] });
    const app = application.Application.fromPartial({
      pendingUndelegations: new Map([
        [10n, gateways("g10")],
        [0n, gateways("g0")],
        [2n, gateways("g2")],
      ]),
    });
    const bytes = application.Application.toBytes(app);
    assert.ok(hex(bytes).startsWith("2a08" + "0800" + "1204" + "1202" + bytesToHex(new TextEncoder().encode("g0"))));
    assert.deepEqual([...application.Application.decode(bytes).pendingUndelegations.keys()], [0n, 2n, 10n]);
  });
});

describe("decoding", () => {
  const headerHex = hex(
    session.SessionHeader.toBytes(
      session.SessionHeader.fromPartial({
        applicationAddress: "pokt1app",
        serviceId: "svc1",
        sessionId: "id",
        sessionStartBlockHeight: 1n,
        sessionEndBlockHeight: 4n,
      }),
    ),
  );

  test("unknown fields of every wire type are skipped, and dropped on re-encode", () => {
    const unknown =
      "a0019601" + // field 20, varint
      "a901" + "0102030405060708" + // field 21, fixed64
      "b20102abcd" + // field 22, length-delimited
      "bd0101020304" + // field 23, fixed32
      "c301" + "0805" + "cb01" + "cc01" + "c401"; // field 24, group holding a varint and an empty nested group
    const decoded = session.SessionHeader.decode(hexToBytes(unknown.slice(0, 8) + headerHex + unknown.slice(8)));
    assert.equal(hex(session.SessionHeader.toBytes(decoded)), headerHex);
  });

  test("unknown fields inside embedded messages are dropped too", () => {
    const meta = "1a01" + "78" + "f80701"; // supplier "x", then unknown field 127
    const bytes = hexToBytes(`0a${(meta.length / 2).toString(16).padStart(2, "0")}${meta}`);
    const request = service.RelayRequest.decode(bytes);
    assert.equal(hex(service.RelayRequest.toBytes(request)), "0a031a0178");
  });

  test("repeated occurrences merge like gogoproto: sub-messages combine, scalars take the last value", () => {
    const bytes = hexToBytes("0a031201aa" + "0a031a0178" + "120101" + "120102");
    const request = service.RelayRequest.decode(bytes);
    assert.deepEqual(request.meta.signature, new Uint8Array([0xaa]));
    assert.equal(request.meta.supplierOperatorAddress, "x");
    assert.deepEqual(request.payload, new Uint8Array([2]));
  });

  test("decoded bytes are copies, not views of the reader's buffer", () => {
    const reader = new BinaryReader(hexToBytes("120301" + "0203"));
    const request = service.RelayRequest.decode(reader);
    reader.buf.fill(0);
    assert.deepEqual(request.payload, new Uint8Array([1, 2, 3]));
  });

  test("a reader and a length decode an embedded slice, as cosmjs does", () => {
    const reader = new BinaryReader(hexToBytes("ffff" + headerHex + "ffff"));
    reader.pos = 2;
    const decoded = session.SessionHeader.decode(reader, headerHex.length / 2);
    assert.deepEqual(decoded, session.SessionHeader.decode(hexToBytes(headerHex)));
    assert.equal(reader.pos, 2 + headerHex.length / 2);
  });

  test("a length that does not fit the reader is refused", () => {
    const reader = () => new BinaryReader(hexToBytes(headerHex));
    assertDecodeError(() => session.SessionHeader.decode(reader(), headerHex.length), "pocket.session.SessionHeader");
    assertDecodeError(() => session.SessionHeader.decode(reader(), -1), "pocket.session.SessionHeader");
  });

  const sh = "pocket.session.SessionHeader";
  const malformed: Array<[string, string, string, RegExp?]> = [
    ["a truncated message", headerHex.slice(0, -2), sh],
    ["a length longer than what is left", "0a05616263", sh, /length/],
    ["a length beyond 2^32", "0affffffffffffffff7f", sh, /length/],
    ["field number 0", "0001", sh, /field number 0/],
    ["a known field with the wrong wire type", "0801", sh, /wrong wire type/],
    ["a string that is not UTF-8", "0a01ff", sh, /UTF-8/],
    ["an end-group without start", "0c", sh],
    ["an illegal wire type", "7f", sh, /wire type/],
    ["a varint longer than ten bytes", "20ffffffffffffffffffff01", sh],
    ["an unterminated group", "c301", sh, /group/],
  ];
  for (const [what, input, typeName, reason] of malformed) {
    test(`rejects ${what} with ProtoDecodeError`, () => {
      assertDecodeError(() => session.SessionHeader.decode(hexToBytes(input)), typeName, reason);
    });
  }

  test("an embedded message overrunning its parent is reported by the message that holds it", () => {
    // meta claims 2 bytes; inside it the session header claims 5.
    assertDecodeError(
      () => service.RelayRequest.decode(hexToBytes("0a020a05" + "0a0378797a")),
      "pocket.service.RelayRequestMetadata",
      /length/,
    );
  });

  test("a double cut short is rejected", () => {
    assertDecodeError(() => proof.Params.decode(hexToBytes("1100000000")), "pocket.proof.Params");
  });
});

describe("encoding errors", () => {
  const encodeError = (encode: () => unknown, typeName: string, fieldName: string) =>
    assert.throws(encode, (error: unknown) => {
      assert.ok(error instanceof ProtoEncodeError, `expected ProtoEncodeError, got ${String(error)}`);
      assert.equal(error.typeName, typeName);
      assert.equal(error.field, fieldName);
      return true;
    });

  test("out-of-range integers name their field", () => {
    const params = { ...shared.Params.create(), numBlocksPerSession: -1n };
    encodeError(() => shared.Params.toBytes(params), "pocket.shared.Params", "numBlocksPerSession");
    const header = { ...session.SessionHeader.create(), sessionEndBlockHeight: 1n << 63n };
    encodeError(() => session.SessionHeader.toBytes(header), "pocket.session.SessionHeader", "sessionEndBlockHeight");
    const error = { ...service.RelayMinerError.create(), code: 1.5 };
    encodeError(() => service.RelayMinerError.toBytes(error), "pocket.service.RelayMinerError", "code");
  });

  test("strings without a UTF-8 form and values of the wrong type are refused", () => {
    const header = { ...session.SessionHeader.create(), serviceId: "bad\uD800" };
    encodeError(() => session.SessionHeader.toBytes(header), "pocket.session.SessionHeader", "serviceId");
    const request = { ...service.RelayRequest.create(), payload: "not bytes" as unknown as Uint8Array };
    encodeError(() => service.RelayRequest.toBytes(request), "pocket.service.RelayRequest", "payload");
  });

  test("an error in an embedded message names the embedded message", () => {
    const relay = service.Relay.fromPartial({ req: {} });
    relay.req!.meta.supplierOperatorAddress = 42 as unknown as string;
    encodeError(() => service.Relay.toBytes(relay), "pocket.service.RelayRequestMetadata", "supplierOperatorAddress");
  });
});

describe("fromPartial", () => {
  test("fills defaults and accepts numbers and decimal strings for 64-bit integers", () => {
    const header = session.SessionHeader.fromPartial({ sessionStartBlockHeight: 5, sessionEndBlockHeight: "8" });
    assert.deepEqual(header, {
      applicationAddress: "",
      serviceId: "",
      sessionId: "",
      sessionStartBlockHeight: 5n,
      sessionEndBlockHeight: 8n,
    });
    const request = service.RelayRequest.fromPartial({});
    assert.deepEqual(request.meta, { sessionHeader: undefined, signature: new Uint8Array(0), supplierOperatorAddress: "" });
  });

  test("rejects what cannot be represented", () => {
    assert.throws(() => session.SessionHeader.fromPartial({ sessionStartBlockHeight: 1.5 }), ProtoEncodeError);
    assert.throws(() => shared.Supplier.fromPartial({ unstakeSessionEndHeight: -1n }), ProtoEncodeError);
  });
});

describe("Any", () => {
  test("packs under the codec's type URL and unpacks only that type", () => {
    const claim = proof.MsgCreateClaim.fromPartial({ supplierOperatorAddress: "pokt1op", rootHash: new Uint8Array(48) });
    const any = toAny(proof.MsgCreateClaim, claim);
    assert.equal(any.typeUrl, "/pocket.proof.MsgCreateClaim");
    assert.deepEqual(fromAny(proof.MsgCreateClaim, any), claim);
    assert.throws(() => fromAny(proof.MsgSubmitProof, any), ProtoDecodeError);
  });
});
