/**
 * The CLI as a function: `runCli(argv, io)` returns an exit code and never calls process.exit,
 * so tests run commands in-process. main.ts owns the process.
 */
import { Command, CommanderError } from 'commander'
import { BenchgenError, describeError } from '../errors.js'
import { TOOL_VERSION } from '../version.js'
import { registerCompare } from './compare-command.js'
import { registerEnvironmentCommands } from './env-commands.js'
import { write } from './io.js'
import type { CliIo } from './io.js'
import { registerLeaderboard } from './leaderboard-command.js'
import { registerRun } from './run-command.js'
import { registerScore } from './score-command.js'
import { registerExport } from './export-command.js'

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0
  const setExit = (code: number): void => {
    exitCode = code
  }
  const program = new Command('benchgen')
    .description('Evaluate language models on versioned environments, locally or in CI')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run benchgen --help for usage)')
  registerRun(program, io, setExit)
  registerEnvironmentCommands(program, io, setExit)
  registerScore(program, io)
  registerCompare(program, io, setExit)
  registerLeaderboard(program, io)
  registerExport(program, io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof BenchgenError) {
      write(io.stderr, `error: ${error.message}`)
      return error.exitCode
    }
    write(io.stderr, `error: ${describeError(error)}`)
    if (io.env.BENCHGEN_DEBUG && error instanceof Error && error.stack) write(io.stderr, error.stack)
    return 1
  }
}
