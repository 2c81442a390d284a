import { describe, expect, it } from 'vitest'
import { formatIssue } from '../../src/errors.js'
import { parseManifest } from '../../src/environment/manifest-file.js'

const GOOD = `# A comment
schemaVersion: 1
name: tiny
version: 1.0.0
dataset:
  path: data/test.jsonl
  fields:
    input: question
    target: answer
harness:
  template: "Q: {{input}}"
scoring:
  scorers:
    - type: exact
    - type: exakt
`

describe('parseManifest', () => {
  it('parses a valid manifest and applies defaults', () => {
    const parsed = parseManifest(GOOD.replace('exakt', 'numeric'), 'environment.yaml')
    expect(parsed.issues).toEqual([])
    expect(parsed.manifest?.harness.api).toBe('chat')
    expect(parsed.manifest?.dataset.fields.metadata).toEqual([])
  })

  it('points a bad discriminator at its line and field', () => {
    const { manifest, issues } = parseManifest(GOOD, 'environment.yaml')
    expect(manifest).toBeUndefined()
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ file: 'environment.yaml', line: 15, field: 'scoring.scorers.1.type' })
    expect(formatIssue(issues[0]!)).toMatch(/^environment\.yaml:15: field "scoring\.scorers\.1\.type" must be one of "exact", .*"custom", got "exakt" \(did you mean "exact"\?\)$/)
  })

  it.each([
    ['a wrong type', GOOD.replace('exakt', 'exact\n      weight: heavy'), 16, 'scoring.scorers.1.weight', 'must be a number, got string "heavy"'],
    ['an unknown key', GOOD.replace('exakt', 'exact').replace('  template:', '  tempalte:'), 11, 'harness.tempalte', 'is not a known field'],
    ['a bad enum', GOOD.replace('exakt', 'exact').replace('harness:\n', 'harness:\n  api: chats\n'), 11, 'harness.api', 'must be one of "chat", "completions", got "chats"'],
    ['a custom schema message', GOOD.replace('exakt', 'exact').replace('version: 1.0.0', 'version: "1.0"'), 4, 'version', 'must be a semantic version such as 1.0.0'],
    ['a path escaping the folder', GOOD.replace('exakt', 'exact').replace('data/test.jsonl', '../secret.jsonl'), 6, 'dataset.path', 'must be a relative path inside the environment (no leading "/" and no "..")']
  ])('reports %s with line, field and message', (_label, text, line, field, message) => {
    const { issues } = parseManifest(text, 'environment.yaml')
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ file: 'environment.yaml', line, field, message })
  })

  it('suggests the field meant by a typo', () => {
    const { issues } = parseManifest(GOOD.replace('exakt', 'exact').replace('  template:', '  tempalte:'), 'environment.yaml')
    expect(issues[0]?.hint).toBe('did you mean "template"?')
  })

  it('says a missing required field is required, without a line', () => {
    const { issues } = parseManifest(GOOD.replace('exakt', 'exact').replace('version: 1.0.0\n', ''), 'environment.yaml')
    expect(issues.map(formatIssue)).toEqual(['environment.yaml: field "version" is required (expected string)'])
  })

  it('does not repeat the field name in the schema message', () => {
    const { issues } = parseManifest(GOOD.replace('exakt', 'exact').replace('schemaVersion: 1', 'schemaVersion: 2'), 'environment.yaml')
    expect(formatIssue(issues[0]!)).toBe('environment.yaml:2: field "schemaVersion" must be 1 (the only version this tool reads) (got 2)')
  })

  it('collects every schema problem at once', () => {
    const text = GOOD.replace('name: tiny', 'name: Tiny').replace('version: 1.0.0', 'version: one')
    expect(parseManifest(text, 'environment.yaml').issues.map((i) => i.field)).toEqual(['name', 'version', 'scoring.scorers.1.type'])
  })

  it('reports YAML syntax errors and duplicate keys with their lines', () => {
    const bad = parseManifest('schemaVersion: 1\nname: [unclosed\n', 'environment.yaml')
    expect(bad.issues[0]).toMatchObject({ file: 'environment.yaml' })
    expect(bad.issues[0]?.message).toMatch(/^invalid YAML: /)
    const dup = parseManifest('schemaVersion: 1\nname: a\nname: b\n', 'environment.yaml')
    expect(dup.issues[0]).toMatchObject({ line: 3 })
    expect(dup.issues[0]?.message).toMatch(/^invalid YAML: .*unique/i)
  })

  it('reads environment.json with line numbers too', () => {
    const json = JSON.stringify({ schemaVersion: 1, name: 'tiny', version: '1.0.0', dataset: { path: 'd.jsonl' }, scoring: { scorers: [{ type: 'regex' }] } }, null, 2)
    const { issues } = parseManifest(json, 'environment.json')
    expect(issues).toEqual([expect.objectContaining({ file: 'environment.json', line: 10, field: 'scoring.scorers.0.pattern', message: 'is required' })])
  })

  it('reports an empty file', () => {
    expect(parseManifest('# nothing\n', 'environment.yaml').issues[0]?.message).toBe('is empty')
  })
})
