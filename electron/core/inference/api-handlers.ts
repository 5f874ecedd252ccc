import type {
  ChatMessage,
  GenerationStats,
  InferenceMetrics,
  InferenceStatus,
} from "../../../shared/api/index.js";
import type { HandlersFor } from "../runtime/api-router.js";

/** What the API needs from the inference engine. */
export interface InferenceFacade {
  status(): InferenceStatus;
  load(options: {
    modelPath: string;
    contextSize?: number;
    parallelSequences?: number;
    gpuLayers?: "auto" | number;
  }): Promise<InferenceStatus>;
  unload(): Promise<InferenceStatus>;
  chat(
    request: { requestId: string; messages: ChatMessage[]; maxTokens: number; temperature: number },
    onToken: (delta: string) => void,
  ): Promise<{ text: string; stats: GenerationStats }>;
  cancel(requestId: string): boolean;
  metrics(): InferenceMetrics;
}

export function createInferenceHandlers(
  inference: InferenceFacade,
  emitToken: (requestId: string, delta: string) => void,
  rememberModel: (modelPath: string | null) => void,
): HandlersFor<"inference.status" | "inference.load" | "inference.unload" | "inference.chat" | "inference.cancel" | "inference.metrics"> {
  return {
    "inference.status": () => inference.status(),
    "inference.load": async (params) => {
      const status = await inference.load(params);
      rememberModel(params.modelPath);
      return status;
    },
    "inference.unload": async () => {
      const status = await inference.unload();
      rememberModel(null);
      return status;
    },
    "inference.chat": async (params) => {
      const { text, stats } = await inference.chat(params, (delta) => emitToken(params.requestId, delta));
      return { requestId: params.requestId, text, stats };
    },
    "inference.cancel": ({ requestId }) => ({ cancelled: inference.cancel(requestId) }),
    "inference.metrics": () => inference.metrics(),
  };
}
