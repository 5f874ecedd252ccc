import type {
  ChatMessage,
  GenerationStats,
  InferenceMetrics,
  InferenceStatus,
} from "../../../shared/api/index.js";
import type { CallContext, HandlersFor } from "../runtime/api-router.js";

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
  /** Confines and checks a model path before the loaded model is replaced; returns the path to load. */
  checkModelFile: (path: string, context: CallContext) => Promise<string>,
): HandlersFor<"inference.status" | "inference.load" | "inference.unload" | "inference.chat" | "inference.cancel" | "inference.metrics"> {
  return {
    "inference.status": () => inference.status(),
    "inference.load": async (params, context) => {
      const modelPath = await checkModelFile(params.modelPath, context);
      const status = await inference.load({ ...params, modelPath });
      rememberModel(modelPath);
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
