/**
 * Dataset rows to evaluation cases through the manifest's field mapping. Pure: rows in, cases and
 * issues out. Every row is checked, so a dataset author sees every broken row in one pass.
 */
import { createHash } from 'node:crypto'
import type { Issue } from '../errors.js'
import { isTemplate, type TemplateEngine } from '../harness/template.js'
import { canonicalJson } from './canonical-json.js'
import { describeJsonType, getPath, type DatasetRow } from './dataset.js'
import type { FieldMapping } from './manifest.js'
import type { EnvCase, Target } from './types.js'

export interface BuildCasesOptions {
  /** Phase the cases belong to. */
  phase: string
  /** Data file the rows came from, relative to the environment root, for messages and `source`. */
  file: string
  /** The manifest's `dataset.fields`. */
  fields: FieldMapping
  /** Renders mapping values that are templates (`{{ answer.split('####') | last | trim }}`). */
  engine: TemplateEngine
}

export interface BuiltCases {
  cases: EnvCase[]
  issues: Issue[]
}

/** A row's fields are listed in hints up to this many. */
const HINT_FIELDS = 12
/** Past this many issues the rest of the file is only counted: the first ones show the pattern. */
const MAX_ISSUES = 50

/**
 * Build the cases of one phase. Rows with problems are left out and reported; ids are unique
 * within the phase (explicit duplicates are an issue, identical rows get `~2`, `~3`).
 */
export function buildCases(rows: readonly DatasetRow[], opts: BuildCasesOptions): BuiltCases {
  const issues: Issue[] = []
  let dropped = 0
  const report = (issue: Issue): void => {
    if (issues.length < MAX_ISSUES) issues.push(issue)
    else dropped++
  }
  const cases: EnvCase[] = []
  const explicitIds = new Map<string, DatasetRow>()
  const hashCounts = new Map<string, number>()

  for (const item of rows) {
    const ctx = new RowContext(item, opts, report)
    const input = ctx.text('input', opts.fields.input)
    const target = ctx.target(opts.fields.target)
    const choices = opts.fields.choices === undefined ? undefined : ctx.stringList('choices', opts.fields.choices)
    const tags = opts.fields.tags === undefined ? [] : ctx.tags(opts.fields.tags)
    const metadata: Record<string, unknown> = {}
    for (const field of opts.fields.metadata) {
      const value = getPath(item.row, field)
      if (value !== undefined) metadata[field] = value
    }

    let id: string | undefined
    if (opts.fields.id !== undefined) {
      id = ctx.id(opts.fields.id)
      if (id !== undefined) {
        const first = explicitIds.get(id)
        if (first) {
          report({
            ...ctx.where(),
            field: opts.fields.id,
            message: `duplicate id "${id}" (first seen ${describeWhere(first)})`,
            hint: 'case ids must be unique within a phase so runs can be paired case by case'
          })
          id = undefined
          ctx.failed = true
        } else {
          explicitIds.set(id, item)
        }
      }
    } else {
      // Identical rows get the same hash; number the repeats in file order so ids stay unique
      // and stable as long as the file's order is.
      const base = caseId(item.row)
      const seen = (hashCounts.get(base) ?? 0) + 1
      hashCounts.set(base, seen)
      id = seen === 1 ? base : `${base}~${seen}`
    }

    if (ctx.failed || id === undefined || input === undefined || target === undefined) continue
    const built: EnvCase = {
      id,
      phase: opts.phase,
      index: cases.length,
      input,
      target,
      tags,
      metadata,
      row: item.row,
      source: { file: opts.file, ...(item.line === undefined ? {} : { line: item.line }) }
    }
    if (choices !== undefined) built.choices = choices
    cases.push(built)
  }
  if (dropped > 0) issues.push({ file: opts.file, message: `… and ${dropped} more problems in this file (only the first ${MAX_ISSUES} are listed)` })
  return { cases, issues }
}

/** A content id for a row: the first 16 hex characters of sha256 over its canonical JSON. */
export function caseId(row: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(row)).digest('hex').slice(0, 16)
}

function describeWhere(item: DatasetRow): string {
  if (item.line !== undefined) return `on line ${item.line}`
  if (item.record !== undefined) return `in row ${item.record}`
  return 'earlier'
}

/** Reads one row's mapped fields, reporting problems with the row's location. */
class RowContext {
  failed = false
  constructor(
    private readonly item: DatasetRow,
    private readonly opts: BuildCasesOptions,
    private readonly report: (issue: Issue) => void
  ) {}

  where(): Pick<Issue, 'file' | 'line'> {
    return { file: this.opts.file, ...(this.item.line === undefined ? {} : { line: this.item.line }) }
  }

  /** " in row 4" when there is no line number to point at. */
  private rowSuffix(): string {
    return this.item.line === undefined && this.item.record !== undefined ? ` in row ${this.item.record}` : ''
  }

  private problem(field: string, message: string, hint?: string): undefined {
    this.failed = true
    this.report({ ...this.where(), field, message: `${message}${this.rowSuffix()}`, ...(hint === undefined ? {} : { hint }) })
    return undefined
  }

  /** The raw value of a mapping: a field's value, or a template's rendering. */
  private value(role: string, spec: string): { ok: true; value: unknown } | { ok: false } {
    if (isTemplate(spec)) {
      try {
        return { ok: true, value: this.opts.engine.render(spec, this.item.row) }
      } catch (error) {
        this.problem(`dataset.fields.${role}`, `template does not render on this row: ${templateErrorText(error)}`, this.fieldsHint())
        return { ok: false }
      }
    }
    const value = getPath(this.item.row, spec)
    if (value === undefined) {
      this.problem(spec, 'is missing', this.fieldsHint())
      return { ok: false }
    }
    return { ok: true, value }
  }

  private fieldsHint(): string {
    const keys = Object.keys(this.item.row)
    if (keys.length === 0) return 'the row has no fields'
    const shown = keys.slice(0, HINT_FIELDS).join(', ')
    return `the row has: ${shown}${keys.length > HINT_FIELDS ? `, … (${keys.length} fields)` : ''}`
  }

  text(role: string, spec: string): string | undefined {
    const got = this.value(role, spec)
    if (!got.ok) return undefined
    const text = scalarText(got.value)
    if (text === undefined) return this.problem(spec, `must be text, got ${describeJsonType(got.value)}`)
    return text
  }

  target(spec: string): Target | undefined {
    const got = this.value('target', spec)
    if (!got.ok) return undefined
    const value = got.value
    if (Array.isArray(value)) {
      // A list of accepted answers: any of them is right.
      const texts = value.map(scalarText)
      if (texts.length === 0) return this.problem(spec, 'is an empty list', 'give at least one accepted answer')
      if (texts.some((t) => t === undefined)) return this.problem(spec, 'must be text or a list of texts')
      return texts as string[]
    }
    const text = scalarText(value)
    if (text === undefined) return this.problem(spec, `must be text, a number or a list of texts, got ${describeJsonType(value)}`)
    return text
  }

  stringList(role: string, spec: string): string[] | undefined {
    const got = this.value(role, spec)
    if (!got.ok) return undefined
    const list = asList(got.value)
    if (!list) return this.problem(spec, `must be a list of texts, got ${describeJsonType(got.value)}`)
    const texts = list.map(scalarText)
    if (texts.some((t) => t === undefined)) return this.problem(spec, 'must be a list of texts')
    return texts as string[]
  }

  /** Tags are optional per row: a missing or null value means no tags. */
  tags(spec: string): string[] {
    let value: unknown
    if (isTemplate(spec)) {
      const got = this.value('tags', spec)
      if (!got.ok) return []
      value = got.value
    } else {
      value = getPath(this.item.row, spec)
    }
    if (value === undefined || value === null || value === '') return []
    if (typeof value === 'string') return [value]
    const texts = Array.isArray(value) ? value.map(scalarText) : [undefined]
    if (texts.some((t) => t === undefined)) {
      this.problem(spec, `must be a tag or a list of tags, got ${describeJsonType(value)}`)
      return []
    }
    return texts as string[]
  }

  id(spec: string): string | undefined {
    const got = this.value('id', spec)
    if (!got.ok) return undefined
    const value = got.value
    if (typeof value !== 'string' && typeof value !== 'number') return this.problem(spec, `must be a string or a number to serve as the case id, got ${describeJsonType(value)}`)
    const id = String(value)
    if (id.trim() === '') return this.problem(spec, 'is empty', 'case ids must be non-empty')
    return id
  }
}

/** Strings as they are; numbers and booleans stringified; anything else is not text. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** A list, or a string holding a JSON list (CSV cells can only hold text). */
function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value
  if (typeof value === 'string' && value.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value)
      if (Array.isArray(parsed)) return parsed
    } catch {
      // Not JSON: reported by the caller as "not a list".
    }
  }
  return undefined
}

/** nunjucks wraps errors in "Template render error: (unknown path)\n  Error: …"; keep the cause. */
export function templateErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const lines = message.split('\n').map((line) => line.trim()).filter(Boolean)
  const last = lines[lines.length - 1] ?? message
  return last.replace(/^Error: /, '')
}
