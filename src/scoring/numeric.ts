/** The `numeric` scorer: the answer's number equals the target's, within a tolerance. */
import { withExtract } from './factory.js'
import type { ScorerFactory } from './factory.js'
import { quote, targetList } from './_util.js'

/** A number found in text. */
export interface ParsedNumber {
  /** The value; for percentages the number as written (50 for "50%"). */
  value: number
  /** Whether a % sign followed it. */
  percent: boolean
  /** The characters it was read from, e.g. "$1,234.50". */
  text: string
}

/*
 * One number as people and models write it: an optional sign before or after a currency symbol
 * ("-$5", "$-5"), digits with comma thousands separators ("1,234.50") or without ("1234", ".5"),
 * then an exponent ("1e3") or a denominator ("3/4"), then an optional "%". It must not start right
 * after a letter, digit or dot, so "COVID-19" gives 19 (not -19), "H2O" gives nothing and "3.14.15"
 * does not yield a stray ".15". A trailing sentence period is not a decimal point because a decimal
 * point needs a digit after it.
 */
const NUMBER =
  /(?<![\p{L}\p{N}.])(?<sign>[-−+]?)(?<currency>[$€£]?)(?<sign2>[-−]?)(?<body>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[eE](?<exponent>[-+]?\d+)|\/(?<denominator>\d+))?(?!\d)(?<percent>[^\S\n]?%)?/gu

/**
 * Every number in `text`, in order. Commas are read as thousands separators only in groups of
 * three ("1,234"); otherwise they separate numbers ("1,2,3" gives 1, 2 and 3). Fractions with a
 * zero denominator are skipped. Number words ("three") are not read.
 */
export function findNumbers(text: string): ParsedNumber[] {
  const found: ParsedNumber[] = []
  for (const match of text.matchAll(NUMBER)) {
    const g = match.groups ?? {}
    const negative = g.sign === '-' || g.sign === '−' || g.sign2 === '-' || g.sign2 === '−'
    const body = (g.body ?? '').replace(/,/g, '')
    // Number("1.5e3") parses the decimal string once, avoiding the rounding of 1.5 * 10 ** 3.
    let value = Number(g.exponent === undefined ? body : `${body}e${g.exponent}`)
    if (g.denominator !== undefined) {
      const denominator = Number(g.denominator)
      if (denominator === 0) continue
      value /= denominator
    }
    if (!Number.isFinite(value)) continue
    found.push({ value: negative ? -value : value + 0, percent: g.percent !== undefined, text: match[0] })
  }
  return found
}

/**
 * The number an answer gives: the last number in it, since reasoning comes before the conclusion
 * ("5 + 3 = 8 apples" answers 8), as lm-eval's flexible-extract does. Null when there is none.
 */
export function parseNumber(text: string): ParsedNumber | null {
  return findNumbers(text).at(-1) ?? null
}

/** The number as the scorer reports it: shortest round-trip form, "%" kept, never "-0". */
export function formatNumber(parsed: ParsedNumber): string {
  return `${Object.is(parsed.value, -0) ? 0 : parsed.value}${parsed.percent ? '%' : ''}`
}

/** The values a number may stand for: "50%" is 50 or 0.5, whichever the other side means. */
function readings(parsed: ParsedNumber): number[] {
  return parsed.percent ? [parsed.value, parsed.value / 100] : [parsed.value]
}

/**
 * Whether `a` is close enough to the expected `b`: within `tolerance` absolutely, or within
 * `relativeTolerance` times |b|, whichever is looser (Python's math.isclose, relative to the
 * target). A few ulps are always allowed so fractions like 1/3 written two ways still agree.
 */
export function withinTolerance(a: number, b: number, tolerance: number, relativeTolerance: number): boolean {
  const slack = Math.max(tolerance, relativeTolerance * Math.abs(b)) + 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b))
  return Math.abs(a - b) <= slack
}

/**
 * Numeric comparison. The answer's number is its last number (see parseNumber()); each target is
 * parsed the same way and the score passes with value 1 when any target agrees within
 * `tolerance` (absolute, default 0) or `relativeTolerance` (default 0). Percentages match either
 * reading ("50%" matches 50 and 0.5). `extracted` is the parsed number; the reason quotes what
 * it was read from.
 */
export const numericScorer: ScorerFactory<'numeric'> = (config) => {
  const tolerance = config.tolerance
  const relative = config.relativeTolerance
  return withExtract(config.extract, (answer, { target }) => {
    const parsed = parseNumber(answer)
    if (!parsed) return { value: 0, passed: false, extracted: null, reason: `no number found in ${quote(answer)}` }
    const got = formatNumber(parsed)
    const from = parsed.text.trim() === answer.trim() ? '' : ` (read from ${quote(parsed.text.trim())})`
    const targets = targetList(target)
    const expected = targets.flatMap((t) => parseNumber(t) ?? [])
    if (expected.length === 0) {
      return { value: 0, passed: false, extracted: got, reason: `parsed ${got}${from}, but no target is a number (${quote(targets[0] ?? '')})` }
    }
    const hit = expected.find((e) => readings(parsed).some((a) => readings(e).some((b) => withinTolerance(a, b, tolerance, relative))))
    if (hit) return { value: 1, passed: true, extracted: got, reason: `parsed ${got}${from}, matches target ${formatNumber(hit)}` }
    const within = tolerance > 0 || relative > 0 ? ` within the tolerance (absolute ${tolerance}, relative ${relative})` : ''
    return { value: 0, passed: false, extracted: got, reason: `parsed ${got}${from}, expected ${expected.map(formatNumber).join(' or ')}${within}` }
  })
}
