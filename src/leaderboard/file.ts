/** The leaderboard file on disk: the I/O shell around parseLeaderboard/serializeLeaderboard. */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { ValidationError } from '../errors.js'
import { emptyLeaderboard, parseLeaderboard, serializeLeaderboard, type Leaderboard } from './schema.js'

/** Options of {@link readLeaderboardFile}. */
export interface ReadLeaderboardOptions {
  /** Return an empty board when the file does not exist, instead of failing. Default false. */
  missingOk?: boolean
}

/** Read and validate a leaderboard file; errors name the file and say what to do. */
export async function readLeaderboardFile(path: string, options: ReadLeaderboardOptions = {}): Promise<Leaderboard> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && options.missingOk) return emptyLeaderboard()
    throw new ValidationError([{ file: path, message: 'cannot be read', hint: 'create it with `benchgen leaderboard add RUN_DIR --file FILE`' }], undefined, { cause })
  }
  return parseLeaderboard(text, path)
}

/** Write a board through a temporary file and a rename, so a reader never sees half a file. */
export async function writeLeaderboardFile(path: string, board: Leaderboard): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, serializeLeaderboard(board))
  await rename(temp, path)
}
