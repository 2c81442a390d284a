/**
 * `benchgen compare RUN_A RUN_B [RUN_C …]`: read the run folders, compare them (src/compare),
 * print markdown (or JSON) and write the requested files. The only part of compare that does I/O.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { InvalidArgumentError } from 'commander'
import type { Command } from 'commander'
import { compareRuns, DEFAULT_ALPHA } from '../compare/compare.js'
import { comparisonToJson } from '../compare/json.js'
import { compareMarkdown } from '../compare/markdown.js'
import type { CompareInput } from '../compare/types.js'
import { ValidationError } from '../errors.js'
import { renderCompareReport } from '../report/compare-html.js'
import { readRunFolder } from '../run/run-folder.js'
import { write } from './io.js'
import type { CliIo } from './io.js'

/** The flags of `benchgen compare`, as commander parses them. */
export interface CompareFlags {
  /** HTML page to write. Default: none. */
  out?: string
  /** Markdown file to write (the same text as stdout). Default: none. */
  markdown?: string
  /** Compare runs whose environment hashes differ. Default false. */
  allowHashMismatch?: boolean
  /** Significance level. Default 0.05. */
  alpha?: number
  /** Print JSON instead of markdown. Default false. */
  json?: boolean
}

/** Adds `benchgen compare` to the program; the action's exit code goes through `setExit`. */
export function registerCompare(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('Compare two runs of one environment (A the baseline, B the candidate), or rank three or more')
    .argument('<runs...>', 'run folders written by benchgen run, baseline first')
    .option('--out <file>', 'also write the comparison as a self-contained HTML page')
    .option('--markdown <file>', 'also write the markdown to a file')
    .option('--allow-hash-mismatch', 'compare runs whose environment hashes differ (data, manifest or scorers changed)')
    .option('--alpha <level>', `significance level of the McNemar tests, Holm-corrected across pairs (default ${DEFAULT_ALPHA})`, significanceLevel('--alpha'))
    .option('--json', 'print the comparison as JSON instead of markdown')
    .action(async (dirs: string[], flags: CompareFlags) => {
      setExit(await compareCommand(dirs, flags, io))
    })
}

/** Runs the command; returns the exit code (0) or throws a BenchgenError that names the problem. */
export async function compareCommand(dirs: readonly string[], flags: CompareFlags, io: CliIo): Promise<number> {
  if (dirs.length < 2) {
    throw new ValidationError([{ message: `compare needs at least two run folders, received ${dirs.length}`, hint: 'benchgen compare RUN_A RUN_B' }], 'cannot compare:')
  }
  // Folders keep the spelling the user gave, so the output names them the same way.
  const runs: CompareInput[] = await Promise.all(dirs.map(async (dir) => ({ ...(await readRunFolder(resolve(io.cwd, dir))), dir })))
  const comparison = compareRuns(runs, { alpha: flags.alpha ?? DEFAULT_ALPHA, allowHashMismatch: flags.allowHashMismatch === true })
  const markdown = compareMarkdown(comparison)
  if (flags.markdown) await writeText(resolve(io.cwd, flags.markdown), markdown)
  if (flags.out) await writeText(resolve(io.cwd, flags.out), renderCompareReport(comparison))
  write(io.stdout, flags.json ? JSON.stringify(comparisonToJson(comparison), null, 2) : markdown)
  if (flags.markdown) write(io.stderr, `Markdown: ${resolve(io.cwd, flags.markdown)}`)
  if (flags.out) write(io.stderr, `Comparison page: ${resolve(io.cwd, flags.out)}`)
  return 0
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}

/** A significance level strictly between 0 and 1. */
function significanceLevel(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be a significance level between 0 and 1, e.g. 0.05 (got "${value}")`)
    return n
  }
}
