/**
 * Known OpenAI-compatible endpoints, so `--model ollama:llama3.2:3b` needs no model file. Local
 * servers listen on their documented default ports; hosted ones name the environment variable
 * their own docs use for the key.
 */

export interface Preset {
  baseUrl: string
  /** Environment variable holding the key; absent for local servers that need none. */
  apiKeyEnv?: string
}

export const PRESETS = {
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
  ollama: { baseUrl: 'http://127.0.0.1:11434/v1' },
  vllm: { baseUrl: 'http://127.0.0.1:8000/v1' },
  sglang: { baseUrl: 'http://127.0.0.1:30000/v1' },
  tgi: { baseUrl: 'http://127.0.0.1:8080/v1' },
  llamacpp: { baseUrl: 'http://127.0.0.1:8080/v1' },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' },
  together: { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY' }
} as const satisfies Record<string, Preset>

export type PresetName = keyof typeof PRESETS

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name)
}
