import type { ChatHistoryItem } from "node-llama-cpp";
import type { ChatMessage } from "../../../../shared/api/index.js";
import type { FinishReason } from "../types.js";

/**
 * OpenAI-style messages as node-llama-cpp's chat history, ending with an empty model turn: the model writes a new
 * reply even when the last message is the assistant's (a trailing model item would otherwise be continued).
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case "system":
        return { type: "system", text: message.content };
      case "user":
        return { type: "user", text: message.content };
      case "assistant":
        return { type: "model", response: [message.content] };
    }
  });
  history.push({ type: "model", response: [] });
  return history;
}

export type StopReason = "eogToken" | "stopGenerationTrigger" | "customStopTrigger" | "functionCalls" | "maxTokens" | "abort";

export function toFinishReason(stopReason: StopReason): FinishReason {
  switch (stopReason) {
    case "maxTokens":
      return "length";
    case "abort":
      return "cancelled";
    default:
      return "stop";
  }
}
