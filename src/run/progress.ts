/**
 * Progress of a run: a bar on a terminal; on anything else (CI logs) a line such as
 * `Processing: 10/100 (10%)` at most every `intervalMs`, so a 10,000-case run does not print
 * 10,000 lines.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  /** One case finished (answered or errored). */
  tick(status: 'pass' | 'fail' | 'error'): void
  stop(): void
}

export interface ProgressOptions {
  total: number
  /** Cases already done before this invocation (a resume). */
  done?: number
  stream?: NodeJS.WritableStream & { isTTY?: boolean }
  /** Minimum time between plain lines; default 5000 ms. */
  intervalMs?: number
  now?: () => number
  /** Turn output off entirely (tests, --quiet). */
  silent?: boolean
}

export function createProgress(options: ProgressOptions): Progress {
  const { total, stream = process.stderr, intervalMs = 5000, now = Date.now } = options
  let done = options.done ?? 0
  let errors = 0
  if (options.silent) return { tick: () => undefined, stop: () => undefined }

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'Processing {bar} {value}/{total} ({percentage}%) | {errors} errors | ETA {eta_formatted}', hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic
    )
    bar.start(total, done, { errors })
    return {
      tick(status) {
        done++
        if (status === 'error') errors++
        bar.update(done, { errors })
      },
      stop: () => bar.stop()
    }
  }

  const line = (): string => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100)
    return `Processing: ${done}/${total} (${percent}%)${errors ? `, ${errors} errors` : ''}\n`
  }
  let last = now()
  let printed = -1
  return {
    tick(status) {
      done++
      if (status === 'error') errors++
      if (now() - last >= intervalMs) {
        last = now()
        printed = done
        stream.write(line())
      }
    },
    stop() {
      if (printed !== done) stream.write(line())
    }
  }
}
