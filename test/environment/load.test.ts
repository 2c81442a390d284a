import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DownloadError, formatIssue, ValidationError } from '../../src/errors.js'
import { loadEnvironment, validateEnvironment } from '../../src/environment/load.js'
import { cleanup, GSM8K_TEST_SHA256, GSM8K_TEST_URL, jsonl, manifestYaml, startServer, tempDir, TINY_ROWS, writeFiles, writeTinyEnv, type TestServer } from './_helpers.js'

let root: string
let cacheDir: string

beforeEach(async () => {
  root = await tempDir()
  cacheDir = await tempDir()
})
afterEach(async () => {
  await cleanup(root, cacheDir)
})

/** The rendered errors of validating `root`. */
async function errorsOf(dir = root): Promise<string[]> {
  return (await validateEnvironment(dir, { cacheDir })).errors.map(formatIssue)
}

describe('loadEnvironment: a folder', () => {
  it('loads the manifest, one "test" phase and its cases', async () => {
    await writeTinyEnv(root)
    const env = await loadEnvironment(root, { cacheDir })
    expect(env.root).toBe(root)
    expect(env.manifestFile).toBe('environment.yaml')
    expect(env.source).toMatchObject({ kind: 'folder', ref: root })
    expect(env.defaultPhase).toBe('test')
    expect(Object.keys(env.phases)).toEqual(['test'])
    expect(env.phases.test?.map((c) => [c.id, c.input, c.target, c.index])).toEqual([
      ['q1', 'What is 1+1?', '2', 0],
      ['q2', 'What is 2+2?', '4', 1],
      ['q3', 'What is 3+3?', '6', 2]
    ])
    expect(env.phases.test?.[1]?.source).toEqual({ file: 'data/test.jsonl', line: 2 })
    expect(env.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(env.fewshotPool).toBeUndefined()
  })

  it('resolves relative refs against cwd and accepts the manifest file itself', async () => {
    await writeTinyEnv(join(root, 'envs', 'tiny'))
    const a = await loadEnvironment('envs/tiny', { cwd: root, cacheDir })
    const b = await loadEnvironment('envs/tiny/environment.yaml', { cwd: root, cacheDir })
    expect(a.hash).toBe(b.hash)
    expect(b.root).toBe(join(root, 'envs', 'tiny'))
  })

  it('loads phases from their own files and from slices, and the few-shot pool', async () => {
    await writeFiles(root, {
      'environment.yaml': manifestYaml().replace(
        'scoring:',
        [
          'phases:',
          '  train: { path: data/train.jsonl }',
          '  dev: { slice: [0, 2] }',
          '  test: { slice: [2, 3], description: held-out }',
          'harness:',
          '  fewshot: { count: 1, phase: train }',
          'scoring:'
        ].join('\n')
      ),
      'data/test.jsonl': jsonl(TINY_ROWS),
      'data/train.jsonl': jsonl([{ id: 't1', question: 'Train?', answer: 'yes' }])
    })
    const env = await loadEnvironment(root, { cacheDir })
    expect(Object.fromEntries(Object.entries(env.phases).map(([name, cases]) => [name, cases.map((c) => c.id)]))).toEqual({ train: ['t1'], dev: ['q1', 'q2'], test: ['q3'] })
    expect(env.phases.test?.[0]).toMatchObject({ phase: 'test', index: 0, source: { file: 'data/test.jsonl', line: 3 } })
    expect(env.defaultPhase).toBe('test')
    expect(env.fewshotPool?.map((c) => c.id)).toEqual(['t1'])
  })

  it('loads a few-shot pool from a file, and JSON and CSV datasets', async () => {
    await writeFiles(root, {
      'environment.yaml': manifestYaml()
        .replace('path: data/test.jsonl', 'path: data/test.json\n  rowsAt: rows')
        .replace('scoring:', 'harness:\n  fewshot: { count: 1, path: data/shots.csv }\nscoring:'),
      'data/test.json': JSON.stringify({ rows: TINY_ROWS }),
      'data/shots.csv': 'id,question,answer\ns1,"Shot, one?",1\n'
    })
    const env = await loadEnvironment(root, { cacheDir })
    expect(env.phases.test).toHaveLength(3)
    expect(env.phases.test?.[0]?.source).toEqual({ file: 'data/test.json' })
    expect(env.fewshotPool).toEqual([expect.objectContaining({ id: 's1', phase: 'fewshot', input: 'Shot, one?', target: '1', source: { file: 'data/shots.csv', line: 2 } })])
  })

  it('reads environment.json', async () => {
    await writeTinyEnv(root, {
      'environment.json': JSON.stringify({ schemaVersion: 1, name: 'tiny', version: '1.0.0', license: 'MIT', dataset: { path: 'data/test.jsonl', fields: { input: 'question', target: 'answer', id: 'id' } }, scoring: { scorers: [{ type: 'exact' }] } })
    })
    await cleanup(join(root, 'environment.yaml'))
    const env = await loadEnvironment(root, { cacheDir })
    expect(env.manifestFile).toBe('environment.json')
    expect(env.phases.test).toHaveLength(3)
  })
})

describe('loadEnvironment: every problem, with file, line and field', () => {
  it('throws one ValidationError for a bad manifest, pointing at the line', async () => {
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('    - type: exact', '    - type: exact\n    - type: numeric\n      tolerance: -1') })
    const error = await loadEnvironment(root, { cacheDir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).exitCode).toBe(2)
    expect((error as ValidationError).issues.map(formatIssue)).toEqual(['environment.yaml:15: field "scoring.scorers.1.tolerance" too small: expected number to be >=0 (got -1)'])
    expect((error as Error).message).toContain(`Environment "${root}" is not valid (1 problem):`)
  })

  it('reports malformed JSONL at its line, every bad line at once', async () => {
    const lines = jsonl(TINY_ROWS).split('\n')
    lines.splice(1, 0, '{"id": "q9", "question": "broken')
    lines.splice(3, 0, '{"id": "q10", "question": "no answer"}')
    await writeTinyEnv(root, { 'data/test.jsonl': lines.join('\n') })
    const errors = await errorsOf()
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^data\/test\.jsonl:2: invalid JSON: .* \(each line must be one JSON object\)$/)
    expect(errors[1]).toBe('data/test.jsonl:4: field "answer" is missing (the row has: id, question)')
  })

  it('reports a prompt template that does not render', async () => {
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('scoring:', 'harness:\n  template: "Q: {{ questoin }}"\nscoring:') })
    const errors = await errorsOf()
    // Every row fails: each is reported at its own line (3 rows, well under the cap).
    expect(errors).toHaveLength(3)
    expect(errors[0]).toBe(
      'data/test.jsonl:1: field "harness.template" (environment.yaml:12) does not render on case q1 of phase "test": attempted to output null or undefined value; not defined: questoin' +
        ' (did you mean "question"? variables: the row\'s fields (id, question, answer) and id, input, target, targets, choices, tags, metadata)'
    )
  })

  it('renders templates on every case, reporting the row that lacks a field', async () => {
    const rows = [TINY_ROWS[0], { id: 'q2', question: 'What is 2+2?', answer: '4' }, ...TINY_ROWS.slice(2)].map((row, i) => (i === 1 ? row : { ...row, context: 'ctx' }))
    await writeTinyEnv(root, {
      'environment.yaml': manifestYaml().replace('scoring:', 'phases:\n  dev: { slice: [0, 2] }\n  test: { slice: [0, 3] }\nharness:\n  system: "Context: {{ context }}"\nscoring:'),
      'data/test.jsonl': jsonl(rows)
    })
    // Row 2 is in both phases but reported once.
    expect(await errorsOf()).toEqual([
      expect.stringMatching(/^data\/test\.jsonl:2: field "harness\.system" \(environment\.yaml:15\) does not render on case q2 of phase "dev": .*; not defined: context \(variables: /)
    ])
  })

  it('caps template failures and counts the rest', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, question: `Q${i}?`, answer: `${i}` }))
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('scoring:', 'harness:\n  template: "{{ missing }}"\nscoring:'), 'data/test.jsonl': jsonl(rows) })
    const errors = await errorsOf()
    expect(errors).toHaveLength(21)
    expect(errors[19]).toMatch(/^data\/test\.jsonl:20: /)
    expect(errors[20]).toBe('environment.yaml:12: field "harness.template" does not render on 10 more cases (the first 20 failures are listed)')
  })

  it('builds the scorers as run does: a missing extract group and a broken custom module', async () => {
    await writeTinyEnv(root, {
      'environment.yaml': manifestYaml().replace(
        '    - type: exact',
        ['    - type: exact', "      extract: { pattern: 'answer: ([0-9]+)', group: 2 }", '    - type: custom', '      path: scorers/broken.mjs'].join('\n')
      ),
      'scorers/broken.mjs': 'export const score = ( => 1\n'
    })
    const result = await validateEnvironment(root, { cacheDir })
    expect(result.environment).toBeUndefined()
    const errors = result.errors.map(formatIssue)
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^environment\.yaml:13: field "scoring\.scorers\.0\.extract\.group" .*group/)
    expect(errors[1]).toMatch(/^environment\.yaml:15: field "scoring\.scorers\.1\.path" /)
    await expect(loadEnvironment(root, { cacheDir })).rejects.toBeInstanceOf(ValidationError)
  })

  it('checks cross-references, all at once', async () => {
    await writeTinyEnv(root, {
      'environment.yaml': [
        'schemaVersion: 1',
        'name: tiny',
        'version: 1.0.0',
        'license: MIT',
        'dataset:',
        '  path: data/test.jsonl',
        '  fields: { input: question, target: answer, id: id }',
        'defaultPhase: validation',
        'harness:',
        '  fewshot: { count: 2, phase: train }',
        'scoring:',
        '  primary: accuracy',
        '  scorers:',
        '    - type: exact',
        '    - type: exact',
        '    - type: custom',
        '      path: scorers/judge.js',
        '    - type: regex',
        '      pattern: "(unclosed"'
      ].join('\n')
    })
    const errors = await errorsOf()
    expect(errors).toEqual([
      'environment.yaml:8: field "defaultPhase" names no phase "validation" (phases: test)',
      'environment.yaml:10: field "harness.fewshot.phase" names no phase "train" (phases: test)',
      'environment.yaml:17: field "scoring.scorers.2.path" file "scorers/judge.js" does not exist (custom scorer paths are relative to the environment folder)',
      'environment.yaml:15: field "scoring.scorers.1.type" gives a second scorer the name "exact" (scorer 0 has it) (give each scorer a distinct `name`)',
      'environment.yaml:12: field "scoring.primary" names no scorer "accuracy" (scorers: exact, custom, regex, or "weighted" for the weighted mean)',
      expect.stringMatching(/^environment\.yaml:19: field "scoring\.scorers\.3\.pattern" invalid regular expression \/\(unclosed\/: /)
    ])
  })

  it('reports missing data files and sources', async () => {
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('data/test.jsonl', 'data/nope.jsonl') })
    expect(await errorsOf()).toEqual(['environment.yaml:6: field "dataset.path" file "data/nope.jsonl" does not exist (paths are relative to the folder holding the manifest)'])
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('  path: data/test.jsonl\n', '') })
    expect(await errorsOf()).toEqual([expect.stringMatching(/^environment\.yaml:5: field "dataset\.path" is required \(give dataset\.path/)])
    await writeTinyEnv(root, { 'environment.yaml': manifestYaml().replace('  path: data/test.jsonl\n', '  url: https://example.com/test.jsonl\n') })
    expect(await errorsOf()).toEqual([expect.stringMatching(/^environment\.yaml:5: field "dataset\.sha256" is required with `url`/)])
  })

  it('reports a missing manifest and a missing folder', async () => {
    expect(await errorsOf()).toEqual([`no environment.yaml, environment.yml, environment.json in ${root} (an environment folder starts with environment.yaml)`])
    const result = await validateEnvironment(join(root, 'absent'), { cacheDir })
    expect(result.errors.map(formatIssue)[0]).toMatch(/^environment ".*absent" not found: no such folder or file .* \(expected a folder, a \.zip bundle, hub:NAME\[@VERSION\] or github:OWNER\/REPO\[\/PATH\]@REF\)$/)
  })

  it('warns about a missing license and id field, and empty phases', async () => {
    await writeTinyEnv(root, {
      'environment.yaml': manifestYaml().replace('license: MIT\n', '').replace('    id: id\n', '').replace('scoring:', 'phases:\n  test: {}\n  empty: { slice: [3, 3] }\nscoring:')
    })
    const result = await validateEnvironment(root, { cacheDir })
    expect(result.errors).toEqual([])
    expect(result.environment).toBeDefined()
    expect(result.warnings.map((w) => `${w.field}: ${w.message}`)).toEqual(['phases.empty: phase "empty" has no cases', 'license: is not set', 'dataset.fields: has no `id`'])
  })
})

describe('loadEnvironment: the hash', () => {
  it('ignores formatting, comments, key order and README; follows data', async () => {
    await writeTinyEnv(root)
    const reference = (await loadEnvironment(root, { cacheDir })).hash

    await writeTinyEnv(root, {
      'environment.yaml': [
        '# Reformatted: comments, flow style, quotes, other key order',
        'scoring: { scorers: [ { type: "exact" } ] }',
        'dataset:',
        '    fields: { id: "id", target: answer, input: "question" }',
        '    path: "data/test.jsonl"',
        "version: '1.0.0'",
        'name: tiny',
        'schemaVersion: 1',
        'description: now with a description',
        'license: CC-BY-4.0'
      ].join('\r\n'),
      'README.md': '# Changed readme\n',
      'data/test.jsonl': jsonl(TINY_ROWS).replace(/\n/g, '\r\n')
    })
    expect((await loadEnvironment(root, { cacheDir })).hash).toBe(reference)

    await writeTinyEnv(root, { 'data/test.jsonl': jsonl([...TINY_ROWS.slice(0, 2), { ...TINY_ROWS[2], answer: '7' }]) })
    expect((await loadEnvironment(root, { cacheDir })).hash).not.toBe(reference)
  })

  it('covers custom scorer files', async () => {
    const manifest = manifestYaml().replace('    - type: exact', '    - type: custom\n      path: scorers/s.js')
    await writeTinyEnv(root, { 'environment.yaml': manifest, 'scorers/s.js': 'export const score = () => 1\n' })
    const a = (await loadEnvironment(root, { cacheDir })).hash
    await writeTinyEnv(root, { 'environment.yaml': manifest, 'scorers/s.js': 'export const score = () => 0\n' })
    expect((await loadEnvironment(root, { cacheDir })).hash).not.toBe(a)
  })

  it('covers the modules a custom scorer imports: its whole folder', async () => {
    const manifest = manifestYaml().replace('    - type: exact', '    - type: custom\n      path: scorers/score.mjs')
    const files = {
      'environment.yaml': manifest,
      'scorers/score.mjs': "import { same } from './lib/helper.mjs'\nexport const score = ({ response, target }) => same(response, target)\n",
      'scorers/lib/helper.mjs': 'export const same = (a, b) => a.trim() === b\n'
    }
    await writeTinyEnv(root, files)
    const a = (await loadEnvironment(root, { cacheDir })).hash
    await writeTinyEnv(root, { ...files, 'README.md': '# Other readme\n' })
    expect((await loadEnvironment(root, { cacheDir })).hash).toBe(a)
    await writeTinyEnv(root, { ...files, 'scorers/lib/helper.mjs': 'export const same = (a, b) => a === b\n' })
    expect((await loadEnvironment(root, { cacheDir })).hash).not.toBe(a)
  })

  it('covers the root scripts when the custom scorer sits at the root, not other root files', async () => {
    const manifest = manifestYaml().replace('    - type: exact', '    - type: custom\n      path: score.mjs')
    const files = { 'environment.yaml': manifest, 'score.mjs': "export { score } from './helper.js'\n", 'helper.js': 'export const score = () => 1\n' }
    await writeTinyEnv(root, files)
    const a = (await loadEnvironment(root, { cacheDir })).hash
    await writeTinyEnv(root, { ...files, 'README.md': '# Other readme\n', 'docs/notes.js': '// not hashed\n' })
    expect((await loadEnvironment(root, { cacheDir })).hash).toBe(a)
    await writeTinyEnv(root, { ...files, 'helper.js': 'export const score = () => 0\n' })
    expect((await loadEnvironment(root, { cacheDir })).hash).not.toBe(a)
  })
})

describe.skipIf(!existsSync(GSM8K_TEST_URL))(`loadEnvironment: a dataset by URL (GSM8K from ${fileURLToPath(GSM8K_TEST_URL)})`, () => {
  let server: TestServer
  let dispatcher: Agent

  beforeAll(async () => {
    server = await startServer({ '/gsm8k/test.jsonl': { body: await readFile(GSM8K_TEST_URL) } })
    dispatcher = new Agent()
  })
  afterAll(async () => {
    await dispatcher.close()
    await server.close()
  })

  const gsm8kManifest = (sha256: string): string =>
    [
      'schemaVersion: 1',
      'name: gsm8k',
      'version: 1.0.0',
      'license: MIT',
      'dataset:',
      `  url: ${server.url}/gsm8k/test.jsonl`,
      `  sha256: "${sha256}"`,
      '  fields:',
      '    input: question',
      `    target: "{{ answer.split('####') | last | trim }}"`,
      'harness:',
      '  template: "Question: {{question}}\\nAnswer:"',
      'scoring:',
      '  scorers:',
      '    - type: numeric'
    ].join('\n')

  it('downloads, verifies and caches: the second load makes no request', async () => {
    server.hits.clear()
    await writeFiles(root, { 'environment.yaml': gsm8kManifest(GSM8K_TEST_SHA256) })
    const env = await loadEnvironment(root, { cacheDir, dispatcher })
    expect(env.phases.test).toHaveLength(1319)
    expect(env.phases.test?.[0]).toMatchObject({ target: '18', source: { file: `${server.url}/gsm8k/test.jsonl`, line: 1 } })
    expect(env.phases.test?.[0]?.input).toMatch(/^Janet’s ducks lay 16 eggs per day/)
    expect(server.total()).toBe(1)

    const again = await loadEnvironment(root, { cacheDir, dispatcher })
    expect(again.hash).toBe(env.hash)
    expect(server.total()).toBe(1)
  })

  it('fails with a DownloadError when the sha256 does not match', async () => {
    const wrong = '0'.repeat(64)
    await writeFiles(root, { 'environment.yaml': gsm8kManifest(wrong) })
    const error = await loadEnvironment(root, { cacheDir, dispatcher }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as Error).message).toContain(`expected sha256 ${wrong}`)
    expect((error as Error).message).toContain(`actual   sha256 ${GSM8K_TEST_SHA256}`)
  })
})
