import { describe, expect, it } from 'vitest'
import { readInputs } from '../../src/action/inputs.js'
import { ValidationError } from '../../src/errors.js'
import { actionDefaults } from '../helpers/action-runner.js'

async function inputs(values: Record<string, string>) {
  const all: Record<string, string> = { ...(await actionDefaults()), environment: 'evals/x', model: 'ollama:llama3.2', ...values }
  return readInputs((name) => all[name] ?? '')
}

describe('readInputs', () => {
  it('reads action.yml\'s defaults into typed settings', async () => {
    const read = await inputs({})
    expect(read).toMatchObject({ concurrency: 8, timeoutMs: 60_000, retries: 4, baseline: { kind: 'auto' }, maxDrop: 1, significance: 0.05, failOnRegression: true, noBaseline: 'pass', comment: 'update', checkName: 'benchgen-eval', mode: 'evaluate', githubToken: '' })
    expect(read.limit).toBeUndefined()
    expect(read.minScore).toBeUndefined()
  })

  it.each([
    ['min-score', '60%', { minScore: 0.6 }],
    ['min-score', '0.6', { minScore: 0.6 }],
    ['min-score', '75', { minScore: 0.75 }],
    ['baseline', 'results/main', { baseline: { kind: 'path', path: 'results/main' } }],
    ['baseline', 'none', { baseline: { kind: 'none' } }],
    ['timeout', '2.5', { timeoutMs: 2500 }],
    ['fail-on-regression', 'false', { failOnRegression: false }],
    ['github-token', 'ghs_abc', { githubToken: 'ghs_abc' }],
    ['github-token', '${{ github.token }}', { githubToken: '' }]
  ])('%s: %s', async (name, value, expected) => {
    expect(await inputs({ [name]: value })).toMatchObject(expected)
  })

  it('names every bad input at once, with what it accepts', async () => {
    const error = await inputs({ concurrency: '0', comment: 'sometimes', significance: '5', 'min-score': 'high' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    const message = (error as Error).message
    expect(message).toContain('input "concurrency" must be a whole number of at least 1 (got "0")')
    expect(message).toContain('input "comment" must be one of update, new, off (got "sometimes")')
    expect(message).toContain('input "significance"')
    expect(message).toContain('input "min-score"')
  })

  it('requires environment and model only when evaluating', async () => {
    await expect(inputs({ environment: '', model: '' })).rejects.toThrow(/input "environment" is required/)
    await expect(inputs({ environment: '', model: '', mode: 'post-comment' })).resolves.toMatchObject({ mode: 'post-comment' })
  })
})
