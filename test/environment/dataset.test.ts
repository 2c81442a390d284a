import { describe, expect, it } from 'vitest'
import { formatIssue } from '../../src/errors.js'
import { formatFromExtension, MAX_ISSUES_PER_FILE, parseDataset } from '../../src/environment/dataset.js'

const parse = (text: string | Buffer, file: string, extra: { format?: 'jsonl' | 'json' | 'csv'; rowsAt?: string } = {}) =>
  parseDataset(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), { file, ...extra })

describe('formatFromExtension', () => {
  it.each([
    ['data/test.jsonl', 'jsonl'],
    ['data/test.NDJSON', 'jsonl'],
    ['rows.json', 'json'],
    ['table.csv', 'csv'],
    ['notes.txt', undefined]
  ])('%s → %s', (file, format) => {
    expect(formatFromExtension(file)).toBe(format)
  })
})

describe('parseDataset: JSONL', () => {
  it('numbers lines from 1, skips blank lines and strips a BOM', () => {
    const { rows, issues } = parse('\uFEFF{"a":1}\n\n  \n{"a":2}\r\n{"a":3}', 'data/test.jsonl')
    expect(issues).toEqual([])
    expect(rows).toEqual([
      { row: { a: 1 }, line: 1, record: 1 },
      { row: { a: 2 }, line: 4, record: 2 },
      { row: { a: 3 }, line: 5, record: 3 }
    ])
  })

  it('reports malformed JSON with file, line and the parser message, and keeps going', () => {
    const lines = Array.from({ length: 45 }, (_, i) => JSON.stringify({ n: i + 1 }))
    lines[41] = '{"question": "unterminated'
    lines[43] = '{"ok": true,}'
    const { rows, issues } = parse(lines.join('\n'), 'data/test.jsonl')
    expect(rows).toHaveLength(43)
    expect(issues.map((i) => i.line)).toEqual([42, 44])
    const first = formatIssue(issues[0]!)
    expect(first).toMatch(/^data\/test\.jsonl:42: invalid JSON: .+ \(each line must be one JSON object\)$/)
    expect(issues[0]).toMatchObject({ file: 'data/test.jsonl', line: 42, hint: 'each line must be one JSON object' })
  })

  it('rejects rows that are not objects', () => {
    const { rows, issues } = parse('{"a":1}\n[1,2]\n"text"\nnull\n', 'd.jsonl')
    expect(rows).toHaveLength(1)
    expect(issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^d\.jsonl:2: row is an array, not a JSON object/),
      expect.stringMatching(/^d\.jsonl:3: row is a string, not a JSON object/),
      expect.stringMatching(/^d\.jsonl:4: row is null, not a JSON object/)
    ])
  })

  it(`caps issues at ${MAX_ISSUES_PER_FILE} and counts the rest`, () => {
    const { issues } = parse(Array.from({ length: 80 }, () => 'nope').join('\n'), 'bad.jsonl')
    expect(issues).toHaveLength(MAX_ISSUES_PER_FILE + 1)
    expect(issues.at(-1)?.message).toContain('and 30 more problems')
  })

  it('reports invalid UTF-8 instead of decoding it to replacement characters', () => {
    const { rows, issues } = parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'x.jsonl')
    expect(rows).toEqual([])
    expect(formatIssue(issues[0]!)).toBe('x.jsonl: is not valid UTF-8 text (save the file as UTF-8)')
  })

  it('needs a format when the extension says nothing', () => {
    expect(parse('{"a":1}', 'data.txt').issues[0]?.message).toContain('cannot tell the dataset format')
    expect(parse('{"a":1}', 'data.txt', { format: 'jsonl' }).rows).toHaveLength(1)
  })
})

describe('parseDataset: JSON', () => {
  it('reads a top-level array', () => {
    const { rows, issues } = parse('[{"a":1},{"a":2}]', 'rows.json')
    expect(issues).toEqual([])
    expect(rows).toEqual([
      { row: { a: 1 }, record: 1 },
      { row: { a: 2 }, record: 2 }
    ])
  })

  it('reads rows under rowsAt, dotted paths included', () => {
    expect(parse('{"data": [{"a":1}]}', 'r.json', { rowsAt: 'data' }).rows).toHaveLength(1)
    expect(parse('{"x": {"rows": [{"a":1},{"a":2}]}}', 'r.json', { rowsAt: 'x.rows' }).rows).toHaveLength(2)
  })

  it('suggests rowsAt when the top level is an object', () => {
    const { issues } = parse('{"meta": 1, "data": [{"a":1}]}', 'r.json')
    expect(formatIssue(issues[0]!)).toBe('r.json: top level is an object, not an array of rows (set rowsAt to the key holding the rows: data)')
  })

  it('reports a missing rowsAt key with the keys that exist', () => {
    const { issues } = parse('{"rows": []}', 'r.json', { rowsAt: 'data' })
    expect(formatIssue(issues[0]!)).toBe('r.json: has no key "data" (rowsAt) (top-level keys: rows)')
  })

  it('gives the line of a syntax error', () => {
    const { issues } = parse('[\n{"a":1},\n{"a":}\n]', 'r.json')
    expect(issues[0]).toMatchObject({ file: 'r.json', line: 3 })
    expect(issues[0]?.message).toMatch(/^invalid JSON: /)
  })

  it('reports non-object rows by position', () => {
    const { rows, issues } = parse('[{"a":1}, 5]', 'r.json')
    expect(rows).toHaveLength(1)
    expect(formatIssue(issues[0]!)).toBe('r.json: row 2 is a number, not a JSON object')
  })
})

describe('parseDataset: CSV', () => {
  it('uses the header row and gives each record the line it starts on', () => {
    const { rows, issues } = parse('\uFEFFquestion,answer\n1+1,2\n\n"multi\nline",3\n4+4,8\n', 'data/t.csv')
    expect(issues).toEqual([])
    expect(rows).toEqual([
      { row: { question: '1+1', answer: '2' }, line: 2, record: 1 },
      { row: { question: 'multi\nline', answer: '3' }, line: 4, record: 2 },
      { row: { question: '4+4', answer: '8' }, line: 6, record: 3 }
    ])
  })

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n']
  ])('gives the start line of each record after quoted multi-line fields (%s)', (_name, eol) => {
    const text = ['id,q', 'a,"x"', 'b,"y1', 'y2"', 'c,z', '', 'd,w', ''].join(eol)
    const { rows, issues } = parse(text, 'data/t.csv')
    expect(issues).toEqual([])
    expect(rows.map((r) => [r.row.id, r.line])).toEqual([
      ['a', 2],
      ['b', 3],
      ['c', 5],
      ['d', 7]
    ])
    expect(rows[1]?.row.q).toBe(`y1${eol}y2`)
  })

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n']
  ])('locates bad records after quoted multi-line fields (%s)', (_name, eol) => {
    const text = ['id,q', 'b,"y1', 'y2"', 'c,z,extra', 'd,w', 'e"x,1', 'f,"g', 'h",1,2', 'i,j', ''].join(eol)
    const { rows, issues } = parse(text, 'data/t.csv')
    expect(rows.map((r) => [r.row.id, r.line])).toEqual([
      ['b', 2],
      ['d', 5],
      ['i', 9]
    ])
    expect(issues.map((i) => [i.line, i.message.split(':')[0]])).toEqual([
      [4, 'invalid CSV'],
      [6, 'invalid CSV'],
      [7, 'invalid CSV']
    ])
  })

  it('reports every bad record with its line and keeps the good ones', () => {
    const { rows, issues } = parse('a,b\n1,2\n3,4,5\n6,7\n8\n', 'x.csv')
    expect(rows.map((r) => r.row)).toEqual([
      { a: '1', b: '2' },
      { a: '6', b: '7' }
    ])
    expect(issues.map((i) => [i.line, i.message.split(':')[0]])).toEqual([
      [3, 'invalid CSV'],
      [5, 'invalid CSV']
    ])
  })
})
