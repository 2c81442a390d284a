/** The files a baseline is made of, and the checks every store runs on a folder before using it. */
import { copyFile, mkdir, readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ValidationError } from '../../errors.js'
import { RUN_FILES } from '../../run/run-folder.js'
import { RunInfo } from '../../run/run-info.js'

/** What a baseline needs of a run folder to be diffed and re-rendered. */
export const BASELINE_FILES = [RUN_FILES.info, RUN_FILES.scores, RUN_FILES.results] as const

/**
 * Check that `dir` holds every baseline file and return its parsed run.json. Throws a
 * ValidationError naming the first missing file or the bad field of run.json.
 */
export async function readBaselineFolder(dir: string): Promise<RunInfo> {
  for (const name of BASELINE_FILES) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile()) {
      throw new ValidationError(
        [{ file: path, message: 'is missing', hint: `a baseline folder holds ${BASELINE_FILES.join(', ')} as written by \`benchgen run\`` }],
        `Baseline folder ${dir} is incomplete:`
      )
    }
  }
  const infoPath = join(dir, RUN_FILES.info)
  let json: unknown
  try {
    json = JSON.parse(await readFile(infoPath, 'utf8'))
  } catch (cause) {
    throw new ValidationError([{ file: infoPath, message: 'is not valid JSON' }], undefined, { cause })
  }
  const parsed = RunInfo.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ValidationError([{ file: infoPath, field: issue?.path.join('.'), message: issue?.message ?? 'is not a run.json', hint: 'write it with `benchgen run`' }])
  }
  return parsed.data
}

/** Copy the baseline files of `from` into `to` (created). Returns the copied paths. */
export async function copyBaselineFiles(from: string, to: string): Promise<string[]> {
  await mkdir(to, { recursive: true })
  const copied: string[] = []
  for (const name of BASELINE_FILES) {
    await copyFile(join(from, name), join(to, name))
    copied.push(join(to, name))
  }
  return copied
}

/**
 * The folder under `root` that holds run.json: `root` itself, or its only subfolder (an
 * artifact uploaded with its parent folder). Null when neither does.
 */
export async function locateRunFolder(root: string): Promise<string | null> {
  if (await isFile(join(root, RUN_FILES.info))) return root
  const entries = await readdir(root, { withFileTypes: true })
  const dirs = entries.filter((entry) => entry.isDirectory())
  if (dirs.length === 1 && entries.length === 1) {
    const inner = join(root, dirs[0]!.name)
    if (await isFile(join(inner, RUN_FILES.info))) return inner
  }
  return null
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false
}

/** Whether a baseline folder's run.json belongs to `key` (defence against a colliding cache key). */
export function mismatchWithKey(info: RunInfo, key: { environmentHash: string; modelKey: string }): string | null {
  if (info.model.key !== key.modelKey) return `it holds model ${info.model.key}, not ${key.modelKey}`
  if (info.environment.hash !== key.environmentHash) return `it holds environment hash ${info.environment.hash.slice(0, 12)}, not ${key.environmentHash.slice(0, 12)}`
  return null
}
