// Worker-thread side of WorkerRingChecker: answers each ring-signature check with its verdict.
import { parentPort } from "node:worker_threads";
import { checkRing, type RingCheckReply, type RingCheckRequest } from "./ring-checker.js";

const port = parentPort;
if (port === null) throw new Error("ring-worker must run in a worker thread");
port.on("message", (request: RingCheckRequest) => {
  let reply: RingCheckReply;
  try {
    reply = { id: request.id, result: checkRing(request.signature, request.message, request.expectedKeys) };
  } catch (error) {
    // Only a message that is not 32 bytes throws; the caller computed it, so this is a bug, reported as invalid.
    reply = { id: request.id, result: { valid: false, reason: "malformed", detail: String(error) } };
  }
  port.postMessage(reply);
});
