/** The model layer's public surface: configuration, the OpenAI-compatible client, retries, cost. */
export type { ChatMessage, GenerationParams, ModelClient, ModelRequest, ModelResponse, Usage } from './types.js'
export {
  DEFAULT_API_KEY_ENV,
  MODEL_SPEC_FORMS,
  ModelConfig,
  Pricing,
  modelKey,
  parseModelSpec,
  publicModelInfo,
  resolveApiKey,
  type ModelConfigInput,
  type ModelSpecOptions,
  type PublicModelInfo,
  type ReadTextFile
} from './config.js'
export { PRESETS, type Preset, type PresetName } from './presets.js'
export { createOpenAIClient, type OpenAIClientOptions } from './openai.js'
export { AttemptsError, callWithRetries, type RetryDeps, type RetryEvent, type RetryPolicy } from './retry.js'
export { parseRetryAfter } from './retry-after.js'
export { costOf } from './cost.js'
