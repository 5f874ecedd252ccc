// Chat requests the traffic generator sends: a rotating mix of everyday prompts, system prompts and
// sampling settings, so relays look like real OpenAI-compatible traffic rather than one repeated body.
const SYSTEM_PROMPTS = [
  "You are a helpful assistant.",
  "You are a concise assistant. Answer in at most three sentences.",
  "You are a senior software engineer who explains things with short code examples.",
  "You are a friendly tutor for high-school students.",
];

const USER_PROMPTS = [
  "Explain what a Merkle tree is in two sentences.",
  "Write a haiku about a graphics card that mines at night.",
  "What is the difference between TCP and UDP?",
  "Give me three ideas for a weekend project with a Raspberry Pi.",
  "Summarise the plot of Moby-Dick in one paragraph.",
  "How do I reverse a linked list in Python?",
  "Translate 'the quick brown fox jumps over the lazy dog' into French.",
  "What are the health benefits of drinking green tea?",
  "Explain proof of stake to a ten-year-old.",
  "Write a SQL query that returns the ten most recent orders per customer.",
  "Why is the sky blue?",
  "Suggest a name for a coffee shop that also repairs bicycles.",
  "What does HTTP status 429 mean and how should a client react?",
  "Convert 72 degrees Fahrenheit to Celsius and show the formula.",
  "List the planets of the solar system in order from the sun.",
  "Write a short motivational message for someone starting a new job.",
  "How does a transformer's attention mechanism work, briefly?",
  "What is a good strategy for learning a new language as an adult?",
  "Draft a polite email asking a colleague to review a pull request.",
  "Explain the CAP theorem with a real-world example.",
  "What is quantization in the context of large language models?",
  "Give me a recipe for a quick vegetarian pasta.",
  "Describe the water cycle in four steps.",
  "What are the pros and cons of running an LLM locally?",
];

export interface ChatRequest {
  model: string;
  messages: Array<{ role: "system" | "user"; content: string }>;
  max_tokens: number;
  temperature: number;
  stream: boolean;
  /** Streams ask for the usage chunk, so the supplier's books and the gateway both see the token counts. */
  stream_options?: { include_usage: true };
}

/** The `sequence`-th request of the rotation (deterministic, so tests can predict bodies); `stream` asks for SSE. */
export function chatRequest(sequence: number, model: string, stream = false): ChatRequest {
  const user = USER_PROMPTS[sequence % USER_PROMPTS.length];
  const system = SYSTEM_PROMPTS[Math.floor(sequence / USER_PROMPTS.length) % SYSTEM_PROMPTS.length];
  return {
    model,
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    max_tokens: 64 + (sequence % 4) * 64,
    temperature: [0.2, 0.7, 1.0][sequence % 3],
    stream,
    ...(stream ? { stream_options: { include_usage: true as const } } : {}),
  };
}

export const PROMPT_COUNT = USER_PROMPTS.length;
