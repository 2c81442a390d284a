/** The model client boundary: the harness builds requests, a client answers them. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface GenerationParams {
  temperature?: number
  max_tokens?: number
  top_p?: number
  stop?: string[]
  seed?: number
}

export interface ModelRequest {
  /** Chat requests carry messages; completion requests carry a prompt. */
  messages?: ChatMessage[]
  prompt?: string
  params: GenerationParams
  signal?: AbortSignal
}

export interface Usage {
  promptTokens: number
  completionTokens: number
}

export interface ModelResponse {
  text: string
  finishReason?: string
  usage?: Usage
  /** The model id the server says answered (may differ from the one asked for). */
  model?: string
}

/**
 * One attempt at one request. Implementations throw ModelError with `retryable` set; retries,
 * timeouts and concurrency live outside, so every client gets them the same way.
 */
export interface ModelClient {
  complete(request: ModelRequest): Promise<ModelResponse>
  /** Release pooled connections. */
  close?(): Promise<void>
}
