import { describe, expect, it } from 'vitest'
import { formatIssue } from '../../src/errors.js'
import { createTemplateEngine } from '../../src/harness/template.js'
import { buildCases, caseId } from '../../src/environment/cases.js'
import type { DatasetRow } from '../../src/environment/dataset.js'
import { FieldMapping } from '../../src/environment/manifest.js'

const engine = createTemplateEngine()
const fields = (mapping: Record<string, unknown>) => FieldMapping.parse(mapping)
const rowsOf = (...rows: Record<string, unknown>[]): DatasetRow[] => rows.map((row, i) => ({ row, line: i + 1, record: i + 1 }))
const build = (rows: DatasetRow[], mapping: Record<string, unknown>) => buildCases(rows, { phase: 'test', file: 'data/test.jsonl', fields: fields(mapping), engine })

describe('buildCases: field mapping', () => {
  it('maps plain fields, dotted paths and templates', () => {
    const { cases, issues } = build(rowsOf({ q: 'Sum?', meta: { answer: 7, level: 2 }, solution: 'a\n#### 42' }), {
      input: 'q',
      target: "{{ solution.split('####') | last | trim }}",
      metadata: ['meta.level', 'absent']
    })
    expect(issues).toEqual([])
    expect(cases[0]).toMatchObject({ phase: 'test', index: 0, input: 'Sum?', target: '42', tags: [], metadata: { 'meta.level': 2 }, source: { file: 'data/test.jsonl', line: 1 } })
    expect(build(rowsOf({ q: 'x', meta: { answer: 7 } }), { input: 'q', target: 'meta.answer' }).cases[0]?.target).toBe('7')
  })

  it.each([
    ['a string', 'yes', 'yes'],
    ['a number', 3.5, '3.5'],
    ['a boolean', true, 'true'],
    ['a list (any of)', ['Paris', 'paris, France'], ['Paris', 'paris, France']],
    ['a list with numbers', [1, '1.0'], ['1', '1.0']]
  ])('target as %s', (_label, value, expected) => {
    const { cases, issues } = build(rowsOf({ input: 'q', target: value }), {})
    expect(issues).toEqual([])
    expect(cases[0]?.target).toEqual(expected)
  })

  it.each([
    ['an object', { a: 1 }, 'must be text, a number or a list of texts, got an object'],
    ['null', null, 'must be text, a number or a list of texts, got null'],
    ['an empty list', [], 'is an empty list'],
    ['a list of objects', [{}], 'must be text or a list of texts']
  ])('rejects a target that is %s', (_label, value, message) => {
    const { cases, issues } = build(rowsOf({ input: 'q', target: value }), {})
    expect(cases).toEqual([])
    expect(issues[0]).toMatchObject({ file: 'data/test.jsonl', line: 1, field: 'target', message })
  })

  it('reports a missing field with the fields the row does have', () => {
    const rows: DatasetRow[] = [
      { row: { question: 'a', answer: '1' }, line: 41 },
      { row: { question: 'b', solution: '2' }, line: 42 }
    ]
    const { cases, issues } = build(rows, { input: 'question', target: 'answer' })
    expect(cases).toHaveLength(1)
    expect(issues.map(formatIssue)).toEqual(['data/test.jsonl:42: field "answer" is missing (the row has: question, solution)'])
  })

  it('names the row when there is no line (JSON arrays)', () => {
    const { issues } = build([{ row: { input: 'x' }, record: 4 }], {})
    expect(formatIssue(issues[0]!)).toBe('data/test.jsonl: field "target" is missing in row 4 (the row has: input)')
  })

  it('reports a template that does not render on a row', () => {
    const { issues } = build(rowsOf({ input: 'x', answer: '1' }), { target: '{{ solution | trim }}' })
    expect(issues[0]).toMatchObject({ line: 1, field: 'dataset.fields.target' })
    expect(issues[0]?.message).toMatch(/^template does not render on this row: /)
  })

  it('reads choices as lists (or JSON lists in CSV cells) and tags as a tag or a list', () => {
    const { cases, issues } = build(rowsOf({ input: 'q', target: 'B', opts: ['x', 'y', 3], tag: 'algebra' }, { input: 'q', target: 'A', opts: '["m","n"]', tag: ['a', 'b'] }, { input: 'q', target: 'A', opts: ['p'] }), {
      choices: 'opts',
      tags: 'tag'
    })
    expect(issues).toEqual([])
    expect(cases.map((c) => [c.choices, c.tags])).toEqual([
      [['x', 'y', '3'], ['algebra']],
      [['m', 'n'], ['a', 'b']],
      [['p'], []]
    ])
    const bad = build(rowsOf({ input: 'q', target: 'A', opts: 'x, y' }), { choices: 'opts' })
    expect(bad.issues[0]).toMatchObject({ field: 'opts', message: 'must be a list of texts, got a string' })
  })
})

describe('buildCases: ids', () => {
  it('uses the id field, stringified', () => {
    const { cases } = build(rowsOf({ n: 17, input: 'a', target: 'b' }, { n: 'x-2', input: 'c', target: 'd' }), { id: 'n' })
    expect(cases.map((c) => c.id)).toEqual(['17', 'x-2'])
  })

  it('reports duplicate explicit ids naming both lines', () => {
    const rows: DatasetRow[] = [
      { row: { id: 'q1', input: 'a', target: 'b' }, line: 3 },
      { row: { id: 'q1', input: 'c', target: 'd' }, line: 57 }
    ]
    const { cases, issues } = build(rows, { id: 'id' })
    expect(cases).toHaveLength(1)
    expect(formatIssue(issues[0]!)).toBe(
      'data/test.jsonl:57: field "id" duplicate id "q1" (first seen on line 3) (case ids must be unique within a phase so runs can be paired case by case)'
    )
  })

  it('hashes the canonical row when there is no id field: stable, key-order independent', () => {
    const a = caseId({ input: 'x', target: 'y', meta: { b: 1, a: 2 } })
    const b = caseId({ meta: { a: 2, b: 1 }, target: 'y', input: 'x' })
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(a).toBe(b)
    // Pinned (sha256 of {"input":"x","target":"y"}): changing the scheme would unpair every stored baseline.
    expect(caseId({ input: 'x', target: 'y' })).toBe('efc433d42d3cf242')
  })

  it('numbers exact duplicate rows ~2, ~3 in file order', () => {
    const row = { input: 'same', target: 'same' }
    const { cases, issues } = build(rowsOf(row, { input: 'other', target: 'o' }, { ...row }, { ...row }), {})
    expect(issues).toEqual([])
    const base = caseId(row)
    expect(cases.map((c) => c.id)).toEqual([base, caseId({ input: 'other', target: 'o' }), `${base}~2`, `${base}~3`])
  })
})
