/**
 * A small arithmetic environment written to a temporary folder, and a model that answers it:
 * `answerFor` is right for most questions and wrong for a known subset, so a run's expected
 * results are known without a real model.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FixtureCase {
  id: string
  question: string
  answer: number
}

export function fixtureCases(count: number): FixtureCase[] {
  return Array.from({ length: count }, (_, i) => {
    const a = 3 + ((i * 7) % 50)
    const b = 1 + ((i * 13) % 40)
    return { id: `q${String(i + 1).padStart(4, '0')}`, question: `What is ${a} + ${b}?`, answer: a + b }
  })
}

/** The fake model: right answers except for every fifth question, which is off by one. */
export function answerFor(prompt: string): string {
  const match = /What is (\d+) \+ (\d+)\?/.exec(prompt.split('\n').pop() ?? prompt) ?? /What is (\d+) \+ (\d+)\?/.exec(prompt)
  if (!match) return 'I do not know.'
  const a = Number(match[1])
  const b = Number(match[2])
  const wrong = (a + 2 * b) % 5 === 0
  return `Let me add. ${a} plus ${b}.\nAnswer: ${a + b + (wrong ? 1 : 0)}`
}

export async function writeFixtureEnvironment(count: number, options: { dir?: string; name?: string } = {}): Promise<string> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'benchgen-env-')))
  await mkdir(join(dir, 'data'), { recursive: true })
  const cases = fixtureCases(count)
  await writeFile(join(dir, 'data', 'test.jsonl'), cases.map((c) => `${JSON.stringify({ ...c, tag: c.answer % 2 ? 'odd' : 'even' })}\n`).join(''))
  await writeFile(
    join(dir, 'environment.yaml'),
    [
      'schemaVersion: 1',
      `name: ${options.name ?? 'fixture-add'}`,
      'version: 1.0.0',
      'description: additions for tests',
      'license: MIT',
      'dataset:',
      '  path: data/test.jsonl',
      '  fields: { id: id, input: question, target: answer, tags: tag }',
      'harness:',
      "  system: 'Answer with \"Answer: N\".'",
      '  template: "{{question}}"',
      '  generation: { temperature: 0, max_tokens: 32 }',
      'scoring:',
      '  scorers:',
      '    - name: answer',
      '      type: numeric',
      '      extract: { pattern: "Answer:\\\\s*(-?\\\\d+)", select: last }',
      ''
    ].join('\n')
  )
  return dir
}
