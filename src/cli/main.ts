/** The `benchgen` process: argv in, exit code out; SIGINT stops a run cleanly (it resumes later). */
import { runCli } from './program.js'

export async function main(): Promise<void> {
  const controller = new AbortController()
  let interrupts = 0
  const onSignal = (): void => {
    // First signal: finish in-flight bookkeeping and write what is done. Second: leave now.
    if (++interrupts > 1) process.exit(130)
    process.stderr.write('\nStopping… (results so far are kept; press Ctrl-C again to quit at once)\n')
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal
  })
  process.exitCode = code
}
