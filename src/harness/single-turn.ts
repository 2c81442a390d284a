/**
 * The single-turn harness: turns a case into what is sent to the model, either chat messages
 * (system prompt, few-shot turns, the case's prompt) or one prompt string for the completions API.
 */
import type { Harness } from '../environment/manifest.js'
import type { EnvCase } from '../environment/types.js'
import type { ChatMessage } from '../model/types.js'
import { selectFewShot } from './fewshot.js'
import type { TemplateEngine } from './template.js'

export interface Prompt {
  messages?: ChatMessage[]
  prompt?: string
}

/** The variables a template sees: every field of the row, then the mapped case fields. */
export function templateContext(item: EnvCase): Record<string, unknown> {
  return {
    ...item.row,
    id: item.id,
    input: item.input,
    target: Array.isArray(item.target) ? item.target[0] : item.target,
    targets: item.target,
    choices: item.choices ?? [],
    tags: item.tags,
    metadata: item.metadata
  }
}

/** Build the request body for one case. Throws when a template does not render. */
export function buildPrompt(item: EnvCase, harness: Harness, engine: TemplateEngine, pool: readonly EnvCase[] = []): Prompt {
  const render = (template: string, example: EnvCase): string => engine.render(template, templateContext(example))
  const shots = harness.fewshot ? selectFewShot(pool, item, harness.fewshot) : []
  const question = render(harness.template, item)
  const system = harness.system === undefined ? undefined : render(harness.system, item)

  if (harness.api === 'completions' || harness.fewshot?.as === 'text') {
    const delimiter = harness.fewshot?.delimiter ?? '\n\n'
    const targetTemplate = harness.fewshot?.targetTemplate ?? ' {{target}}'
    const examples = shots.map((shot) => render(harness.template, shot) + render(targetTemplate, shot))
    const text = [...examples, question].join(delimiter)
    if (harness.api === 'completions') {
      return { prompt: system === undefined ? text : `${system}${delimiter}${text}` }
    }
    return { messages: [...(system === undefined ? [] : [{ role: 'system' as const, content: system }]), { role: 'user', content: text }] }
  }

  const targetTemplate = harness.fewshot?.targetTemplate ?? ' {{target}}'
  const messages: ChatMessage[] = []
  if (system !== undefined) messages.push({ role: 'system', content: system })
  for (const shot of shots) {
    messages.push({ role: 'user', content: render(harness.template, shot) })
    messages.push({ role: 'assistant', content: render(targetTemplate, shot).trim() })
  }
  messages.push({ role: 'user', content: question })
  return { messages }
}
