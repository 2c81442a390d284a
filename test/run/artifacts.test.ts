import { describe, expect, it } from 'vitest'
import { Manifest } from '../../src/environment/manifest.js'
import { toFineTuneRows } from '../../src/run/artifacts.js'
import { choiceOptions } from '../../src/run/run-folder.js'
import type { CaseRecord } from '../../src/run/record.js'

function failing(target: string | string[], choices?: string[]): CaseRecord {
  return {
    id: 'c1', phase: 'test', index: 0, tags: [], input: 'Capital of France?', target, ...(choices ? { choices } : {}), metadata: {},
    messages: [{ role: 'user', content: 'Capital of France?\nA. Berlin\nB. Paris\nAnswer:' }],
    response: 'A', extracted: 'A', scores: {}, score: 0, status: 'fail', error: null, attempts: 1, latencyMs: 1, usage: null, costUsd: null,
    startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01Z'
  }
}

const manifest = (scorers: unknown[], primary?: string) =>
  Manifest.parse({ schemaVersion: 1, name: 'x', version: '1.0.0', dataset: { path: 'd.jsonl' }, scoring: { scorers, ...(primary ? { primary } : {}) } })

describe('failures.jsonl rows', () => {
  it.each([
    ['1', 'B'],
    ['Paris', 'B'],
    ['b', 'B']
  ])('multiple choice scored by letter: target %s becomes the letter %s', (target, letter) => {
    const options = choiceOptions(manifest([{ type: 'choice' }]))
    const [row] = toFineTuneRows([failing(target, ['Berlin', 'Paris'])], options)
    expect(row!.messages.at(-1)).toEqual({ role: 'assistant', content: letter })
  })

  it('keeps the target as it is when the primary scorer is not a choice scorer', () => {
    const options = choiceOptions(manifest([{ type: 'choice' }, { type: 'exact', name: 'text' }], 'text'))
    expect(options).toEqual({})
    const [row] = toFineTuneRows([failing(['Paris', 'paris'])], options)
    expect(row!.messages.at(-1)).toEqual({ role: 'assistant', content: 'Paris' })
  })
})
