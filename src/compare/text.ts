/** Small spellings shared by the comparison's markdown and HTML. */
import { formatPValue } from '../report/format.js'

/** Run labels: A, B, …, Z, AA, AB, … in the order runs were given. */
export function labelFor(index: number): string {
  let n = Math.floor(index)
  let label = ''
  do {
    label = String.fromCharCode(65 + (n % 26)) + label
    n = Math.floor(n / 26) - 1
  } while (n >= 0)
  return label
}

/** Twelve characters of a hash identify it in prose; `sha256:` adds nothing. */
export const shortHash = (hash: string): string => hash.replace(/^sha256:/, '').slice(0, 12)

/** A p-value as a bare number for a table cell: `0.0039`, `0.42`, `<0.001`. */
export function pValueNumber(p: number): string {
  return formatPValue(p).replace(/^p = /, '').replace(/^p < /, '<')
}
