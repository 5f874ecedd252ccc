// The inference worker process: owns node-llama-cpp so that a native crash ends this process, not the app.
// Started by worker-launcher.ts (child_process.fork) or by Electron's utilityProcess; bundled as inference-worker.js.
import { LlamaEngine } from "../llama/llama-engine.js";
import { connectToParent } from "./parent-port.js";
import { serveEngine } from "./serve.js";

const port = connectToParent();
const engine = new LlamaEngine((level, message) => port.send({ type: "log", level, message }));
port.onDisconnect(() => process.exit(0));
await serveEngine(port, engine);
process.exit(0);
