/**
 * Human formatting of metric values. Files hold raw numbers (scores as fractions, latency in ms);
 * everything a person reads goes through here so every report spells numbers the same way:
 * `60.6%`, `+1.2 pp`, `412 ms`, `12.3k`, `$0.0123`, `1m 05s`.
 */
import type { MetricKind } from '../scoring/metrics.js'

/** What a missing or non-finite value shows as. */
export const MISSING = 'n/a'

/** Options of {@link formatMetric}. */
export interface FormatOptions {
  /** Decimals of a percentage (fractions only). Default 1. */
  digits?: number
}

/**
 * Format one metric value for people: fraction → `60.6%`, ms → `412 ms` / `1.2 s`,
 * tokens → `950` / `12.3k` / `1.2M`, usd → `$0.0123` / `$12.50`, seconds → `42s` / `1m 05s` /
 * `1h 02m`, count → `1,234`. `null`, `undefined` and non-finite values show as `n/a`.
 */
export function formatMetric(value: number | null | undefined, kind: MetricKind, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING
  const sign = value < 0 ? '-' : ''
  return sign + formatMagnitude(Math.abs(value), kind, options.digits ?? 1)
}

function formatMagnitude(v: number, kind: MetricKind, digits: number): string {
  switch (kind) {
    case 'fraction':
      return `${(v * 100).toFixed(digits)}%`
    case 'ms':
      // Below a second whole milliseconds read best; above it, seconds with one decimal.
      return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`
    case 'tokens':
      return compact(v)
    case 'usd':
      return formatUsd(v)
    case 'seconds':
      return formatDuration(v)
    case 'count':
      return Number.isInteger(v) ? groupThousands(v) : groupThousands(Number(v.toFixed(2)))
  }
}

function compact(v: number): string {
  if (v < 1000) return String(Math.round(v))
  // 999,950 would round to "1000.0k"; switch unit on the rounded value.
  if (Number((v / 1000).toFixed(1)) < 1000) return `${(v / 1000).toFixed(1)}k`
  if (Number((v / 1e6).toFixed(1)) < 1000) return `${(v / 1e6).toFixed(1)}M`
  return `${(v / 1e9).toFixed(1)}B`
}

function formatUsd(v: number): string {
  if (v === 0) return '$0.00'
  if (v >= 1) return `$${groupThousands(Number(v.toFixed(2)), 2)}`
  // Per-run costs are often fractions of a cent: four decimals keep them distinguishable.
  if (v >= 0.0001) return `$${v.toFixed(4)}`
  return '<$0.0001'
}

function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 10) return `${Number(totalSeconds.toFixed(1))}s`
  const rounded = Math.round(totalSeconds)
  if (rounded < 60) return `${rounded}s`
  if (rounded < 3600) return `${Math.floor(rounded / 60)}m ${pad2(rounded % 60)}s`
  const minutes = Math.round(rounded / 60)
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** `1234567.5` → `1,234,567.5`; no locale lookup so output is the same on every runner. */
function groupThousands(v: number, fixed?: number): string {
  const text = fixed === undefined ? String(v) : v.toFixed(fixed)
  const [whole = '', decimals] = text.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return decimals === undefined ? grouped : `${grouped}.${decimals}`
}

/**
 * Format a change with its sign: fractions in percentage points (`+1.2 pp`, `-3.1 pp`), other
 * kinds in their own unit (`+120 ms`, `-$0.0012`, `+1.2k`). A change that rounds to zero shows
 * as `±0.0 pp` / `±0 ms` instead of a misleading `-0.0`.
 */
export function formatDelta(delta: number | null | undefined, kind: MetricKind, options: FormatOptions = {}): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return MISSING
  const digits = options.digits ?? 1
  if (kind === 'fraction') {
    const points = Number((delta * 100).toFixed(digits))
    if (points === 0) return `±${(0).toFixed(digits)} pp`
    return `${points > 0 ? '+' : '-'}${Math.abs(points).toFixed(digits)} pp`
  }
  const magnitude = formatMagnitude(Math.abs(delta), kind, digits)
  if (isZeroText(magnitude)) return `±${magnitude}`
  return `${delta > 0 ? '+' : '-'}${magnitude}`
}

/** Whether a formatted magnitude shows no change at all, e.g. `0 ms`, `$0.00`, `0s`. */
function isZeroText(text: string): boolean {
  return !/[1-9]/.test(text) && !text.startsWith('<')
}

/** A confidence interval's bounds; `level` is only used for the label. */
export interface IntervalLike {
  low: number
  high: number
}

/** Options of {@link formatInterval}. */
export interface IntervalFormatOptions extends FormatOptions {
  /** Format the bounds as changes (`-5.0 pp to -1.2 pp`) rather than values. Default false. */
  delta?: boolean
  /** When set, prefix the confidence level, e.g. 0.95 → `95% CI `. Default: no prefix. */
  level?: number
}

/**
 * Format an interval: `57.1% to 64.0%`, or with `delta` `-5.0 pp to -1.2 pp`; with `level`
 * `95% CI 57.1% to 64.0%`. Missing bounds show as `n/a`.
 */
export function formatInterval(
  interval: IntervalLike | null | undefined,
  kind: MetricKind,
  options: IntervalFormatOptions = {}
): string {
  if (!interval || !Number.isFinite(interval.low) || !Number.isFinite(interval.high)) return MISSING
  const one = options.delta ? formatDelta : formatMetric
  const prefix = options.level === undefined ? '' : `${formatLevel(options.level)} CI `
  return `${prefix}${one(interval.low, kind, options)} to ${one(interval.high, kind, options)}`
}

/** 0.95 → `95%`, 0.995 → `99.5%`. */
export function formatLevel(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`
}

/** A p-value for prose: `p = 0.012`, `p < 0.001`. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return `p = ${MISSING}`
  if (p < 0.001) return 'p < 0.001'
  // Up to four decimals below 0.1, so a p just above alpha (0.0504) never prints as alpha itself.
  return `p = ${p < 0.1 ? Number(p.toFixed(4)).toString() : p.toFixed(2)}`
}
