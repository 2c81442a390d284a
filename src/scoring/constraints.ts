/**
 * The `constraints` scorer: verifiable instruction following in the manner of IFEval. Each case
 * carries its own list of constraints in a row field (default `constraints`), for example
 * `[{"kind": "min_words", "count": 100}, {"kind": "no_commas"}]`, and the response is checked
 * against each one by code, not by a judge model.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import type { Issue } from '../errors.js'
import type { EnvCase } from '../environment/types.js'
import { compilePattern } from './_regex.js'
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { quote } from './_util.js'

const count = z.number().int().min(0)
const keywords = z.array(z.string().min(1)).min(1)

/** One verifiable constraint; `kind` selects the check. */
export const Constraint = z.discriminatedUnion('kind', [
  /** At least `count` words (runs of letters, digits, marks and "_", as IFEval's `\w+`). */
  z.object({ kind: z.literal('min_words'), count }).strict(),
  /** At most `count` words. */
  z.object({ kind: z.literal('max_words'), count }).strict(),
  /** Every keyword appears, ignoring case (substring match, as IFEval's keyword check). */
  z.object({ kind: z.literal('include_keywords'), keywords }).strict(),
  /** No keyword appears as a whole word, ignoring case (as IFEval's forbidden words). */
  z.object({ kind: z.literal('exclude_keywords'), keywords }).strict(),
  /** No comma, ASCII or full-width. */
  z.object({ kind: z.literal('no_commas') }).strict(),
  /** Has letters and none is upper case. */
  z.object({ kind: z.literal('lowercase') }).strict(),
  /** Has letters and none is lower case. */
  z.object({ kind: z.literal('uppercase') }).strict(),
  /** The whole response is JSON, optionally inside a ``` or ```json fence. */
  z.object({ kind: z.literal('json_format') }).strict(),
  /** Starts with `text`, ignoring case and surrounding whitespace. */
  z.object({ kind: z.literal('starts_with'), text: z.string().min(1) }).strict(),
  /** Ends with `text`, ignoring case and surrounding whitespace (IFEval's end_checker). */
  z.object({ kind: z.literal('ends_with'), text: z.string().min(1) }).strict(),
  /** At least `count` paragraphs, separated by blank lines. */
  z.object({ kind: z.literal('min_paragraphs'), count }).strict(),
  /** Exactly `count` markdown bullets (lines starting with "-", "*" or "+" and a space). */
  z.object({ kind: z.literal('bullet_points'), count }).strict(),
  /** At most `count` characters (Unicode code points). */
  z.object({ kind: z.literal('max_chars'), count }).strict(),
  /** `pattern` matches somewhere in the response. */
  z.object({ kind: z.literal('regex'), pattern: z.string().min(1), flags: z.string().regex(/^[imsu]*$/, 'only i, m, s and u flags are allowed').default('') }).strict()
])
export type Constraint = z.infer<typeof Constraint>

/** Every constraint kind, for messages. */
export const CONSTRAINT_KINDS: readonly string[] = Constraint.options.map((o) => o.shape.kind.value)

/**
 * Validate a case's constraint list. Accepts the list itself or its JSON text (CSV datasets hold
 * strings). Throws a ValidationError listing every bad entry by its index, e.g.
 * `field "constraints[2].count": expected number`, located at the case's source file and line.
 */
export function parseConstraints(value: unknown, field: string, where: { file?: string; line?: number } = {}): Constraint[] {
  const at = (suffix: string, message: string, hint?: string): Issue => ({ ...where, field: `${field}${suffix}`, message, ...(hint ? { hint } : {}) })
  let list = value
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list)
    } catch (error) {
      throw new ValidationError([at('', `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)], undefined, { cause: error })
    }
  }
  if (!Array.isArray(list)) {
    throw new ValidationError([at('', `must be a list of constraints, received ${value === undefined ? 'nothing' : typeof value}`, 'e.g. [{"kind": "max_words", "count": 50}]')])
  }
  const issues: Issue[] = []
  const parsed: Constraint[] = []
  list.forEach((item: unknown, i) => {
    const kind = typeof item === 'object' && item !== null ? (item as { kind?: unknown }).kind : undefined
    if (typeof kind !== 'string' || !CONSTRAINT_KINDS.includes(kind)) {
      issues.push(at(`[${i}].kind`, `unknown constraint kind ${quote(String(kind))}`, `use one of ${CONSTRAINT_KINDS.join(', ')}`))
      return
    }
    const result = Constraint.safeParse(item)
    if (!result.success) {
      for (const issue of result.error.issues) issues.push(at(`[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}`, `${kind}: ${issue.message}`))
      return
    }
    if (result.data.kind === 'regex') {
      try {
        compilePattern(result.data.pattern, result.data.flags, `${field}[${i}].pattern`)
      } catch (error) {
        if (error instanceof ValidationError) issues.push(...error.issues.map((issue) => ({ ...where, ...issue })))
        else throw error
      }
    }
    parsed.push(result.data)
  })
  if (issues.length > 0) throw new ValidationError(issues, `${issues.length} invalid constraint${issues.length === 1 ? '' : 's'}:`)
  return parsed
}

/** The outcome of one check, with what was measured. */
export interface ConstraintResult {
  ok: boolean
  detail: string
}

const WORD = /[\p{L}\p{N}\p{M}_]+/gu
const BULLET = /^[^\S\n]*[-*+][^\S\n]+\S/gmu
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u

function countMatches(text: string, re: RegExp): number {
  let n = 0
  for (const _ of text.matchAll(re)) n++
  return n
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function wholeWord(keyword: string): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])${escaped}(?![\\p{L}\\p{N}\\p{M}_])`, 'iu')
}

/** Check one constraint against a response. */
export function checkConstraint(constraint: Constraint, text: string): ConstraintResult {
  switch (constraint.kind) {
    case 'min_words': {
      const n = countMatches(text, WORD)
      return { ok: n >= constraint.count, detail: `${plural(n, 'word')}, need at least ${constraint.count}` }
    }
    case 'max_words': {
      const n = countMatches(text, WORD)
      return { ok: n <= constraint.count, detail: `${plural(n, 'word')}, allowed at most ${constraint.count}` }
    }
    case 'include_keywords': {
      const lower = text.toLowerCase()
      const missing = constraint.keywords.filter((k) => !lower.includes(k.toLowerCase()))
      return { ok: missing.length === 0, detail: missing.length === 0 ? 'all keywords present' : `missing ${missing.map((k) => quote(k, 30)).join(', ')}` }
    }
    case 'exclude_keywords': {
      const present = constraint.keywords.filter((k) => wholeWord(k).test(text))
      return { ok: present.length === 0, detail: present.length === 0 ? 'no excluded keyword' : `contains ${present.map((k) => quote(k, 30)).join(', ')}` }
    }
    case 'no_commas': {
      const n = countMatches(text, /[,，]/g)
      return { ok: n === 0, detail: n === 0 ? 'no commas' : plural(n, 'comma') }
    }
    case 'lowercase': {
      const ok = CASED.test(text) && text === text.toLowerCase()
      return { ok, detail: ok ? 'all lower case' : CASED.test(text) ? 'has upper-case letters' : 'has no letters' }
    }
    case 'uppercase': {
      const ok = CASED.test(text) && text === text.toUpperCase()
      return { ok, detail: ok ? 'all upper case' : CASED.test(text) ? 'has lower-case letters' : 'has no letters' }
    }
    case 'json_format': {
      // IFEval strips a markdown fence first: models are asked for JSON and wrap it in ```json.
      const body = text
        .trim()
        .replace(/^```(?:json)?[^\S\n]*\n?/i, '')
        .replace(/\n?```$/, '')
        .trim()
      try {
        JSON.parse(body)
        return { ok: true, detail: 'valid JSON' }
      } catch (error) {
        return { ok: false, detail: `not JSON (${error instanceof Error ? error.message : String(error)})` }
      }
    }
    case 'starts_with': {
      const ok = text.trim().toLowerCase().startsWith(constraint.text.trim().toLowerCase())
      return { ok, detail: ok ? `starts with ${quote(constraint.text, 30)}` : `starts with ${quote(text.trim().slice(0, 30), 30)}, not ${quote(constraint.text, 30)}` }
    }
    case 'ends_with': {
      const ok = text.trim().toLowerCase().endsWith(constraint.text.trim().toLowerCase())
      return { ok, detail: ok ? `ends with ${quote(constraint.text, 30)}` : `ends with ${quote(text.trim().slice(-30), 30)}, not ${quote(constraint.text, 30)}` }
    }
    case 'min_paragraphs': {
      const n = text.split(/\n[^\S\n]*\n/).filter((p) => p.trim() !== '').length
      return { ok: n >= constraint.count, detail: `${plural(n, 'paragraph')}, need at least ${constraint.count}` }
    }
    case 'bullet_points': {
      const n = countMatches(text, BULLET)
      return { ok: n === constraint.count, detail: `${plural(n, 'bullet')}, need exactly ${constraint.count}` }
    }
    case 'max_chars': {
      const n = [...text].length
      return { ok: n <= constraint.count, detail: `${plural(n, 'character')}, allowed at most ${constraint.count}` }
    }
    case 'regex': {
      const re = compilePattern(constraint.pattern, constraint.flags, 'pattern')
      const ok = re.test(text)
      return { ok, detail: `${ok ? 'matches' : 'does not match'} /${constraint.pattern}/${constraint.flags}` }
    }
  }
}

/** A row field by name, or by dotted path ("meta.constraints") as field mappings allow. */
function rowField(row: Record<string, unknown>, field: string): unknown {
  if (field in row) return row[field]
  let value: unknown = row
  for (const part of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

/**
 * Instruction following: reads the case's constraints from `case.row[field]` (default
 * `constraints`) and checks each one. The value is the fraction satisfied (IFEval's loose
 * "instruction-level" view); the case passes only when all are (IFEval's "prompt-level"). An
 * empty list passes. An invalid list throws a ValidationError naming the bad entries, which the
 * combiner records as a failed score.
 */
export const constraintsScorer: ScorerFactory<'constraints'> = (config) =>
  withExtract(config.extract, (answer, input) => {
    const list = parseConstraints(rowField(input.case.row, config.field), config.field, whereOf(input.case))
    if (list.length === 0) return { value: 1, passed: true, extracted: answer, reason: 'no constraints to check' }
    const results = list.map((c) => ({ kind: c.kind, ...checkConstraint(c, answer) }))
    const failed = results.flatMap((r, i) => (r.ok ? [] : [`[${i}] ${r.kind}: ${r.detail}`]))
    const satisfied = results.length - failed.length
    return {
      value: satisfied / results.length,
      passed: failed.length === 0,
      extracted: answer,
      reason: failed.length === 0 ? `all ${plural(results.length, 'constraint')} satisfied` : `${satisfied}/${results.length} constraints satisfied; failed ${failed.join('; ')}`
    }
  })

function whereOf(c: EnvCase): { file?: string; line?: number } {
  return c.source.line === undefined ? { file: c.source.file } : { file: c.source.file, line: c.source.line }
}
