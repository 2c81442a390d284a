/**
 * The REST client every function of `src/github/` takes as its first argument, and the two small
 * helpers they share. Nothing here reads the environment: the action passes the token and the
 * API URL it read once (see context.ts).
 */
import { Octokit } from '@octokit/rest'
import { TOOL_VERSION } from '../version.js'

export type { Octokit }

/** A repository, as `owner/repo` split in two. */
export interface RepoRef {
  owner: string
  repo: string
}

/** Options of {@link createOctokit}. */
export interface OctokitOptions {
  /**
   * Where failed requests are reported besides the error thrown to the caller. Default: nowhere,
   * because every caller handles the error itself (a 404 while looking for a merge base is an
   * answer, not a problem worth a red log line).
   */
  onRequestError?: (message: string) => void
}

/**
 * A REST client for `apiUrl` (`https://api.github.com`, or `https://HOST/api/v3` on GitHub
 * Enterprise Server) authenticated with `token`. No retry plugin: the action makes a handful of
 * requests and a failed one degrades a feature (a comment, a baseline) rather than the run.
 */
export function createOctokit(token: string, apiUrl: string, options: OctokitOptions = {}): Octokit {
  const noop = (): void => {}
  return new Octokit({
    ...(token ? { auth: token } : {}),
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: `benchgen-eval/${TOOL_VERSION}`,
    log: {
      debug: noop,
      info: noop,
      warn: (message: string) => console.warn(message),
      error: (message: string) => options.onRequestError?.(message)
    }
  })
}

/** The HTTP status of a failed octokit request (a RequestError), else undefined. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined
  const status = (error as { status: unknown }).status
  return typeof status === 'number' ? status : undefined
}

/**
 * Whether a request was refused for lack of permission: 403, or 404, which GitHub answers
 * instead of 403 when the token may not even see the resource (a fork's read-only token, a
 * private repository). A 403 for rate limiting is a refusal too, as far as the caller can act.
 */
export function isRefused(error: unknown): boolean {
  const status = httpStatus(error)
  return status === 403 || status === 404
}

/** `1a2b3c4` from a full sha, for messages. */
export const shortSha = (sha: string): string => sha.slice(0, 7)
