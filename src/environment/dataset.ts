/**
 * Dataset files (JSON Lines, JSON, CSV) to rows. Pure: bytes in, rows and issues out; the caller
 * reads the file. Every problem is collected (up to a cap) so one run of `validate` shows a dataset
 * author all the broken lines at once instead of one per attempt.
 */
import { parse as parseCsv, type CsvError } from 'csv-parse/sync'
import type { Issue } from '../errors.js'

export type DatasetFormat = 'jsonl' | 'json' | 'csv'

/** One row of a dataset and where it came from. */
export interface DatasetRow {
  row: Record<string, unknown>
  /** 1-based line the row starts on (JSONL and CSV; JSON arrays carry no line). */
  line?: number
  /** 1-based position of the row among the file's rows, for messages when there is no line. */
  record?: number
}

export interface ParseDatasetOptions {
  /** Path shown in messages, relative to the environment root (e.g. `data/test.jsonl`). */
  file: string
  /** Default: from the extension of `file` (.jsonl/.ndjson, .json, .csv). */
  format?: DatasetFormat
  /** JSON only: dotted key of the array of rows when the top level is an object (e.g. `data`). */
  rowsAt?: string
}

export interface ParsedDataset {
  rows: DatasetRow[]
  issues: Issue[]
}

/** More than this many problems in one file are summarised in one final issue. */
export const MAX_ISSUES_PER_FILE = 50

/** Parse a dataset file's bytes into rows. Never throws for bad content: problems become issues. */
export function parseDataset(bytes: Buffer, opts: ParseDatasetOptions): ParsedDataset {
  const issues = new IssueCollector(opts.file)
  const format = opts.format ?? formatFromExtension(opts.file)
  if (!format) {
    issues.add({ message: 'cannot tell the dataset format from the file extension', hint: 'name it .jsonl, .json or .csv, or set `format: jsonl|json|csv`' })
    return { rows: [], issues: issues.list() }
  }
  const text = decodeUtf8(bytes)
  if (text === undefined) {
    issues.add({ message: 'is not valid UTF-8 text', hint: 'save the file as UTF-8' })
    return { rows: [], issues: issues.list() }
  }
  const rows = format === 'jsonl' ? parseJsonl(text, issues) : format === 'json' ? parseJson(text, opts.rowsAt, issues) : parseCsvRows(text, issues)
  return { rows, issues: issues.list() }
}

/** The format implied by a file name, or undefined when the extension says nothing. */
export function formatFromExtension(file: string): DatasetFormat | undefined {
  const lower = file.toLowerCase()
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl'
  if (lower.endsWith('.json')) return 'json'
  if (lower.endsWith('.csv')) return 'csv'
  return undefined
}

/** Decode strictly so mojibake is reported instead of silently turned into U+FFFD; drops a BOM. */
function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return undefined
  }
}

function parseJsonl(text: string, issues: IssueCollector): DatasetRow[] {
  const rows: DatasetRow[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string
    if (raw.trim() === '') continue
    const line = i + 1
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (error) {
      issues.add({ line, message: `invalid JSON: ${jsonErrorText(error)}`, hint: 'each line must be one JSON object' })
      continue
    }
    if (!isPlainObject(value)) {
      issues.add({ line, message: `row is ${describeJsonType(value)}, not a JSON object`, hint: 'each line must be one JSON object such as {"input": "…", "target": "…"}' })
      continue
    }
    rows.push({ row: value, line, record: rows.length + 1 })
  }
  return rows
}

function parseJson(text: string, rowsAt: string | undefined, issues: IssueCollector): DatasetRow[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const line = jsonErrorLine(error, text)
    issues.add({ ...(line === undefined ? {} : { line }), message: `invalid JSON: ${jsonErrorText(error)}` })
    return []
  }
  let list: unknown = value
  if (rowsAt !== undefined) {
    list = getPath(value, rowsAt)
    if (list === undefined) {
      const keys = isPlainObject(value) ? Object.keys(value) : []
      issues.add({ message: `has no key "${rowsAt}" (rowsAt)`, hint: keys.length ? `top-level keys: ${truncateList(keys)}` : 'the top level is not an object' })
      return []
    }
  } else if (isPlainObject(value)) {
    const arrays = Object.keys(value).filter((key) => Array.isArray(value[key]))
    issues.add({ message: 'top level is an object, not an array of rows', hint: arrays.length ? `set rowsAt to the key holding the rows: ${truncateList(arrays)}` : 'use an array of objects, or set rowsAt' })
    return []
  }
  if (!Array.isArray(list)) {
    issues.add({ message: `rows${rowsAt === undefined ? '' : ` under "${rowsAt}"`} are ${describeJsonType(list)}, not an array` })
    return []
  }
  const rows: DatasetRow[] = []
  list.forEach((item, i) => {
    if (isPlainObject(item)) rows.push({ row: item, record: i + 1 })
    else issues.add({ message: `row ${i + 1} is ${describeJsonType(item)}, not a JSON object` })
  })
  return rows
}

function parseCsvRows(text: string, issues: IssueCollector): DatasetRow[] {
  // Lines are computed here, not taken from csv-parse's `info.lines`/`error.lines`: those count a
  // CRLF inside a quoted field as two lines, so every later record of a CRLF file is off by one.
  const lines = new LineIndex(Buffer.from(text, 'utf8'))
  let records: { record: Record<string, string>; info: { bytes: number }; raw: string }[]
  try {
    records = parseCsv(text, {
      columns: true,
      info: true,
      raw: true,
      bom: true,
      skip_empty_lines: true,
      // Keep going past a bad record so every broken line is reported in one pass.
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) issues.add({ ...csvErrorLine(error, lines), message: `invalid CSV: ${error.message}` })
        return undefined
      }
    }) as unknown as typeof records
  } catch (error) {
    // Errors outside a record (e.g. a broken header) still throw.
    const csvError = error as CsvError
    issues.add({ ...csvErrorLine(csvError, lines), message: `invalid CSV: ${csvError.message}` })
    return []
  }
  return records.map((item, i) => ({ row: item.record, line: recordStartLine(item.info.bytes, item.raw, lines), record: i + 1 }))
}

/**
 * The 1-based line a CSV record starts on, from where it ends (`info.bytes`, a byte offset just
 * past its record delimiter, or the end of the text) and its raw text: the line holding the
 * record's last character, minus the newlines inside it (quoted multi-line fields). `raw` starts
 * with any blank lines skipped before the record and ends with (part of) its delimiter: csv-parse
 * keeps "\n" of LF but only "\r" of CRLF, so both are stripped before counting.
 */
function recordStartLine(endByte: number, raw: string, lines: LineIndex): number {
  const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$|\r$/, '')
  const inner = body.split('\n').length - 1
  return Math.max(1, lines.lastLineBefore(endByte) - inner)
}

/**
 * Where a CSV error is. A record-level error (wrong number of fields) comes with the record's end
 * and raw text, so the record's first line is computed as for rows; an error found mid-record
 * (a stray or unclosed quote) comes with the offset of the last field or record boundary before
 * it, whose line is where the broken field starts.
 */
function csvErrorLine(error: CsvError, lines: LineIndex): { line?: number } {
  const context = error as CsvError & { bytes?: unknown; raw?: unknown }
  if (typeof context.bytes !== 'number') return typeof error.lines === 'number' ? { line: error.lines } : {}
  if (error.code.startsWith('CSV_RECORD_INCONSISTENT') && typeof context.raw === 'string') return { line: recordStartLine(context.bytes, context.raw, lines) }
  return { line: lines.lineFrom(context.bytes) }
}

/** Byte offsets to 1-based line numbers, counting "\n" (so LF and CRLF files agree). */
class LineIndex {
  private readonly newlines: number[] = []
  constructor(private readonly bytes: Buffer) {
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) this.newlines.push(at)
  }

  /** The line of the last character before `end`, not counting a "\n" that ends right at `end`. */
  lastLineBefore(end: number): number {
    const stop = end > 0 && this.bytes[end - 1] === 0x0a ? end - 1 : end
    return this.newlinesBefore(stop) + 1
  }

  /** The line of the first character at or after `start` that is not a line break. */
  lineFrom(start: number): number {
    let at = start
    while (this.bytes[at] === 0x0a || this.bytes[at] === 0x0d) at++
    return this.newlinesBefore(Math.min(at, this.bytes.length)) + 1
  }

  private newlinesBefore(offset: number): number {
    let lo = 0
    let hi = this.newlines.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.newlines[mid] as number) < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** Read a dotted path (`meta.answer`, `choices.0`) from a value; undefined when absent. */
export function getPath(value: unknown, path: string): unknown {
  if (isPlainObject(value) && Object.hasOwn(value, path)) return value[path]
  let current: unknown = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** "an array", "a string", "null"…: how messages name a JSON value's type. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return 'a number'
  if (typeof value === 'boolean') return 'a boolean'
  return typeof value
}

function jsonErrorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The line of a JSON syntax error. Node 22+ says "(line L column C)"; Node 20 often says nothing
 * about where, so then the text is scanned for the first offending character.
 */
function jsonErrorLine(error: unknown, text: string): number | undefined {
  const line = /line (\d+) column \d+/.exec(jsonErrorText(error))
  if (line) return Number(line[1])
  const offset = jsonErrorOffset(text)
  return offset === undefined ? undefined : text.slice(0, offset).split('\n').length
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Offset of the first character that makes `text` invalid JSON (RFC 8259), or undefined. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0
  const fail = (): never => {
    throw i
  }
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++
  }
  const string = (): void => {
    i++ // opening quote
    for (;;) {
      const ch = text[i]
      if (ch === undefined || ch < ' ') fail()
      if (ch === '"') {
        i++
        return
      }
      if (ch === '\\') {
        const next = text[i + 1]
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail()
          i += 6
          continue
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail()
        i += 2
        continue
      }
      i++
    }
  }
  const members = (close: string, member: () => void): void => {
    i++ // opening bracket
    ws()
    if (text[i] === close) {
      i++
      return
    }
    for (;;) {
      member()
      ws()
      if (text[i] === ',') {
        i++
        continue
      }
      if (text[i] === close) {
        i++
        return
      }
      fail()
    }
  }
  const value = (): void => {
    ws()
    const ch = text[i]
    if (ch === '{') {
      return members('}', () => {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
      })
    }
    if (ch === '[') return members(']', value)
    if (ch === '"') return string()
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length
        return
      }
    }
    JSON_NUMBER.lastIndex = i
    if (JSON_NUMBER.test(text)) {
      i = JSON_NUMBER.lastIndex
      return
    }
    fail()
  }
  try {
    value()
    ws()
    if (i < text.length) fail()
    return undefined
  } catch (thrown) {
    // A number is the failing offset; anything else (stack overflow on absurd nesting) is unknown.
    return typeof thrown === 'number' ? thrown : undefined
  }
}

function truncateList(items: string[], max = 10): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)` : items.join(', ')
}

/** Issues of one file, capped: past the cap only a count is kept. */
class IssueCollector {
  private readonly issues: Issue[] = []
  private dropped = 0
  constructor(private readonly file: string) {}
  add(issue: Omit<Issue, 'file'>): void {
    if (this.issues.length < MAX_ISSUES_PER_FILE) this.issues.push({ file: this.file, ...issue })
    else this.dropped++
  }
  list(): Issue[] {
    if (this.dropped === 0) return this.issues
    return [...this.issues, { file: this.file, message: `… and ${this.dropped} more problems in this file (only the first ${MAX_ISSUES_PER_FILE} are listed)` }]
  }
}
