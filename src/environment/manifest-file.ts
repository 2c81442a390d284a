/**
 * Reading environment.yaml / environment.json text into a Manifest, keeping source positions so
 * every problem points at a line: `environment.yaml:12: field "scoring.scorers.0.type" …`.
 * Pure: text in, manifest and issues out. JSON manifests go through the same YAML parser (JSON is
 * YAML 1.2), so both get the same line numbers and duplicate-key checks.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { z } from 'zod'
import type { Issue } from '../errors.js'
import { Manifest } from './manifest.js'

export type FieldPath = readonly PropertyKey[]

export interface ManifestText {
  /** The validated manifest with defaults applied; undefined when there were errors. */
  manifest?: Manifest
  /** The document as plain data (before validation), when the YAML itself parsed. */
  data?: unknown
  /** Syntax and schema problems, with `file` and, where known, `line`. */
  issues: Issue[]
  /** YAML warnings (not errors), e.g. unsupported tags. */
  warnings: Issue[]
  /** 1-based line of the node at `path` (or of its nearest ancestor present in the file). */
  lineOf(path: FieldPath): number | undefined
}

/** Parse and validate manifest text. `file` is the name used in messages (`environment.yaml`). */
export function parseManifest(text: string, file: string): ManifestText {
  const lineCounter = new LineCounter()
  // prettyErrors fills in linePos; the message's "at line L, column C:" and excerpt are trimmed below.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: true, uniqueKeys: true })
  const lineOf = (path: FieldPath): number | undefined => nodeLine(doc, lineCounter, path)
  const at = (line: number | undefined): { line?: number } => (line === undefined ? {} : { line })

  const firstLine = (message: string): string => (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
  const warnings = doc.warnings.map((w): Issue => ({ file, ...at(w.linePos?.[0].line), message: firstLine(w.message) }))
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): Issue => ({ file, ...at(e.linePos?.[0].line), message: `invalid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${firstLine(e.message)}` }))
    return { issues, warnings, lineOf }
  }
  let data: unknown
  try {
    // The default alias cap (100) stops "billion laughs" documents.
    data = doc.toJS()
  } catch (error) {
    return { issues: [{ file, message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` }], warnings, lineOf }
  }
  if (data === null || data === undefined) {
    return { data, issues: [{ file, message: 'is empty', hint: 'start from `schemaVersion: 1`, name, version, dataset and scoring' }], warnings, lineOf }
  }
  const parsed = Manifest.safeParse(data, { reportInput: true })
  if (parsed.success) return { manifest: parsed.data, data, issues: [], warnings, lineOf }
  const issues = parsed.error.issues.flatMap((issue) => zodIssueToIssues(issue, file, lineOf))
  return { data, issues, warnings, lineOf }
}

/** The line of a field path, falling back to the nearest ancestor the file does contain. */
function nodeLine(doc: Document, lineCounter: LineCounter, path: FieldPath): number | undefined {
  const lineAt = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range
    return range ? lineCounter.linePos(range[0]).line : undefined
  }
  // No line for the document itself: "field x is required" at line 1 would point at nothing.
  let node: unknown = doc.contents
  let line: number | undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment)
      if (!pair) break
      // Point at the key: that is where a reader looks for "field x".
      line = lineAt(pair.key) ?? line
      node = pair.value
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment]
      if (!item) break
      line = lineAt(item) ?? line
      node = item
    } else {
      break
    }
  }
  return line
}

type ZodIssue = z.core.$ZodIssue

/** One zod issue as manifest issues, phrased to read after `field "x"`. */
function zodIssueToIssues(issue: ZodIssue, file: string, lineOf: (path: FieldPath) => number | undefined): Issue[] {
  const path = issue.path
  const make = (fieldPath: FieldPath, message: string, hint?: string): Issue => {
    const line = lineOf(fieldPath)
    return {
      file,
      ...(line === undefined || fieldPath.length === 0 ? {} : { line }),
      ...(fieldPath.length === 0 ? {} : { field: fieldPath.map(String).join('.') }),
      message,
      ...(hint === undefined ? {} : { hint })
    }
  }
  const input = (issue as { input?: unknown }).input
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const suggestion = closest(key, knownFieldNames())
        return make([...path, key], 'is not a known field', suggestion ? `did you mean "${suggestion}"?` : 'see schema/environment.schema.json for the fields allowed here')
      })
    case 'invalid_type':
      if (input === undefined) return [make(path, 'is required', `expected ${issue.expected}`)]
      return [make(path, `must be ${article(issue.expected)}, got ${describe(input)}`)]
    case 'invalid_value': {
      if (!isDefaultMessage(issue.message)) return [make(path, stripFieldName(issue.message, path), `got ${preview(input)}`)]
      const options = issue.values.map((v) => JSON.stringify(v))
      const suggestion = typeof input === 'string' ? closest(input, issue.values.map(String)) : undefined
      return [make(path, `must be ${options.length === 1 ? options[0] : `one of ${options.join(', ')}`}, got ${preview(input)}`, suggestion ? `did you mean "${suggestion}"?` : undefined)]
    }
    case 'invalid_union': {
      const details = issue as { discriminator?: string; options?: unknown[] }
      if (details.options && details.discriminator) {
        const got = input && typeof input === 'object' ? (input as Record<string, unknown>)[details.discriminator] : input
        const names = details.options.map(String)
        const suggestion = typeof got === 'string' ? closest(got, names) : undefined
        const message = got === undefined ? 'is required' : `must be one of ${names.map((n) => JSON.stringify(n)).join(', ')}, got ${preview(got)}`
        return [make(path, message, suggestion ? `did you mean "${suggestion}"?` : got === undefined ? `one of ${names.join(', ')}` : undefined)]
      }
      return [make(path, lowerFirst(issue.message))]
    }
    default:
      return [make(path, isDefaultMessage(issue.message) ? lowerFirst(issue.message) : stripFieldName(issue.message, path), input === undefined || typeof input === 'object' ? undefined : `got ${preview(input)}`)]
  }
}

/** zod's own messages start with a capital ("Invalid input", "Too small"); the manifest's do not. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(message)
}

/** "schemaVersion must be 1" after `field "schemaVersion"` would say the name twice. */
function stripFieldName(message: string, path: FieldPath): string {
  const last = path[path.length - 1]
  return typeof last === 'string' && message.startsWith(`${last} `) ? message.slice(last.length + 1) : message
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${preview(value)}`
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

let fieldNames: string[] | undefined

/** Every property name the manifest schema knows, for "did you mean" hints. */
function knownFieldNames(): string[] {
  if (!fieldNames) {
    const names = new Set<string>()
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return
      if (Array.isArray(node)) return node.forEach(walk)
      const record = node as Record<string, unknown>
      if (record.properties && typeof record.properties === 'object') for (const key of Object.keys(record.properties)) names.add(key)
      Object.values(record).forEach(walk)
    }
    walk(z.toJSONSchema(Manifest, { io: 'input' }))
    fieldNames = [...names]
  }
  return fieldNames
}

/** The candidate within edit distance 2 (or a case-insensitive match), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === word.toLowerCase() && candidate !== word) return candidate
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d > 0 && d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}
