/**
 * What a run records about its model: the public parts of the configuration (no key, no query
 * string, no header values) and the API the environment's harness speaks. The CLI and the action
 * build it the same way.
 */
import { publicModelInfo } from '../model/config.js'
import type { ModelConfig } from '../model/config.js'
import type { ModelInfo } from './run.js'

export function runModelInfo(config: ModelConfig, api: 'chat' | 'completions'): ModelInfo {
  const info = publicModelInfo(config)
  return {
    key: info.key,
    name: info.name,
    baseUrl: info.baseUrl,
    api,
    ...(info.pricing ? { pricing: info.pricing } : {}),
    ...(info.extraBody ? { extraBody: info.extraBody } : {})
  }
}
