/**
 * `junit.xml`: one run as JUnit XML, so CI test viewers (GitHub test reporters, GitLab, Jenkins)
 * list every case. One `<testsuite>` per phase, one `<testcase>` per case.
 *
 * Case text is untrusted and may hold anything, including characters XML 1.0 forbids (NUL,
 * escape sequences from terminals, lone surrogates); a single one makes the whole file
 * unparseable, so every string goes through `xmlText` / `xmlAttr`.
 */
import { truncateText, truncationMarker } from '../github/escape.js'
import type { CaseRecord } from '../run/record.js'
import type { RunInfo } from '../run/run-info.js'

/** Options of {@link toJUnit}. */
export interface JUnitOptions {
  /**
   * Characters of each untrusted field (input, expected, got, reason) in a failure body; the
   * full text is in `results.jsonl`. Default 10,000.
   */
  maxFieldChars?: number
  /** Characters of a `message` attribute, which viewers show on one line. Default 500. */
  maxMessageChars?: number
}

/**
 * Characters XML 1.0 does not allow anywhere, even escaped: C0 controls other than tab, line
 * feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
 */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Replace characters XML cannot hold with a visible `\uXXXX` so a reader still sees that
 * something was there (and what), instead of silently losing it.
 */
export function stripInvalidXml(text: string): string {
  return text.replace(INVALID_XML, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
}

/** Escape text for element content. */
export function xmlText(text: string): string {
  return stripInvalidXml(text).replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'))
}

/**
 * Escape text for a double-quoted attribute. Tab, line feed and carriage return are written as
 * character references because a parser would otherwise normalise them to spaces.
 */
export function xmlAttr(text: string): string {
  return stripInvalidXml(text).replace(/[&<>"'\t\n\r]/g, (ch) => ATTR_ENTITIES[ch] ?? ch)
}

const ATTR_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;'
}

/**
 * Render a run as JUnit XML: `<testsuites>` with one `<testsuite>` per phase (in the order phases
 * first appear), one `<testcase>` per case (classname `<environment>.<phase>`, name the case id,
 * time in seconds), `<failure>` for a failed case with expected, got and the scorers' reasons,
 * `<error>` for a case that errored, and `<properties>` with the environment hash and the model.
 */
export function toJUnit(info: RunInfo, records: readonly CaseRecord[], options: JUnitOptions = {}): string {
  const limits = { field: options.maxFieldChars ?? 10_000, message: options.maxMessageChars ?? 500 }
  const phases = groupByPhase(records)
  const totals = countStatuses(records)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`benchgen-eval ${info.environment.name}@${info.environment.version}`)}" tests="${records.length}" failures="${totals.fail}" errors="${totals.error}" time="${seconds(sumLatency(records))}">`
  ]
  for (const [phase, cases] of phases) lines.push(...suite(info, phase, cases, limits))
  lines.push('</testsuites>')
  return lines.join('\n') + '\n'
}

interface Limits {
  field: number
  message: number
}

function suite(info: RunInfo, phase: string, cases: readonly CaseRecord[], limits: Limits): string[] {
  const counts = countStatuses(cases)
  const classname = `${info.environment.name}.${phase}`
  const attrs = [
    `name="${xmlAttr(classname)}"`,
    `tests="${cases.length}"`,
    `failures="${counts.fail}"`,
    `errors="${counts.error}"`,
    'skipped="0"',
    `time="${seconds(sumLatency(cases))}"`,
    `timestamp="${xmlAttr(info.startedAt)}"`
  ]
  const lines = [`  <testsuite ${attrs.join(' ')}>`, '    <properties>']
  for (const [name, value] of properties(info, phase)) {
    lines.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
  }
  lines.push('    </properties>')
  for (const record of cases) lines.push(...testcase(classname, record, limits))
  lines.push('  </testsuite>')
  return lines
}

function properties(info: RunInfo, phase: string): Array<[string, string]> {
  const props: Array<[string, string]> = [
    ['environment.name', info.environment.name],
    ['environment.version', info.environment.version],
    ['environment.hash', info.environment.hash],
    ['model.key', info.model.key],
    ['model.name', info.model.name],
    ['phase', phase],
    ['tool.version', info.tool.version]
  ]
  if (info.git.sha) props.push(['git.sha', info.git.sha])
  if (info.git.ref) props.push(['git.ref', info.git.ref])
  return props
}

function testcase(classname: string, record: CaseRecord, limits: Limits): string[] {
  const open = `    <testcase classname="${xmlAttr(classname)}" name="${xmlAttr(record.id)}" time="${seconds(record.latencyMs)}"`
  if (record.status === 'pass') return [`${open}/>`]
  const element = record.status === 'error' ? errorElement(record, limits) : failureElement(record, limits)
  return [`${open}>`, `      ${element}`, '    </testcase>']
}

function failureElement(record: CaseRecord, limits: Limits): string {
  const expected = targetText(record.target)
  const got = record.extracted ?? record.response ?? '(no response)'
  const message = clip(`expected ${quote(expected)}, got ${quote(got)}`, limits.message)
  const body = [
    `expected: ${clip(expected, limits.field)}`,
    `got: ${clip(record.response ?? '(no response)', limits.field)}`,
    ...(record.extracted !== null ? [`extracted: ${clip(record.extracted, limits.field)}`] : []),
    ...reasons(record, limits)
  ].join('\n')
  return `<failure message="${xmlAttr(message)}" type="fail">${xmlText(body)}</failure>`
}

function errorElement(record: CaseRecord, limits: Limits): string {
  const type = record.error?.type ?? 'error'
  const message = clip(record.error?.message ?? 'the case errored', limits.message)
  const body = [
    `${type}: ${clip(record.error?.message ?? 'the case errored', limits.field)}`,
    ...(record.error?.status !== undefined ? [`status: ${record.error.status}`] : []),
    `attempts: ${record.attempts}`
  ].join('\n')
  return `<error message="${xmlAttr(message)}" type="${xmlAttr(type)}">${xmlText(body)}</error>`
}

function reasons(record: CaseRecord, limits: Limits): string[] {
  return Object.entries(record.scores).map(([name, score]) => `reason (${name}): ${clip(score.reason, limits.field)}`)
}

function groupByPhase(records: readonly CaseRecord[]): Map<string, CaseRecord[]> {
  const phases = new Map<string, CaseRecord[]>()
  for (const record of records) {
    const list = phases.get(record.phase) ?? []
    list.push(record)
    phases.set(record.phase, list)
  }
  // Records arrive in completion order under concurrency; viewers read better in case order.
  for (const list of phases.values()) list.sort((a, b) => a.index - b.index)
  return phases
}

function countStatuses(records: readonly CaseRecord[]): { fail: number; error: number } {
  let fail = 0
  let error = 0
  for (const record of records) {
    if (record.status === 'fail') fail++
    else if (record.status === 'error') error++
  }
  return { fail, error }
}

const sumLatency = (records: readonly CaseRecord[]): number => records.reduce((sum, r) => sum + r.latencyMs, 0)

/** JUnit times are seconds with a decimal point; never NaN, which some parsers reject. */
function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000'
}

function targetText(target: CaseRecord['target']): string {
  return Array.isArray(target) ? target.join(' | ') : target
}

function quote(text: string): string {
  return JSON.stringify(text)
}

function clip(text: string, max: number): string {
  const cut = truncateText(text, max)
  return cut.omitted > 0 ? `${cut.text}${truncationMarker(cut.omitted)}` : text
}
