/** Parsing of numeric flags with messages that name the flag. */
import { InvalidArgumentError } from 'commander'

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1 (got "${value}")`)
    return n
  }
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of at least 0 (got "${value}")`)
    return n
  }
}

export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of at least 0 (got "${value}")`)
    return n
  }
}

/** A score threshold given as a fraction (0.6) or a percentage (60 or 60%). */
export function fraction(name: string) {
  return (value: string): number => {
    const n = Number(value.replace(/%$/, ''))
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`${name} must be a fraction (0.6) or a percentage (60%) (got "${value}")`)
    return value.endsWith('%') || n > 1 ? n / 100 : n
  }
}
