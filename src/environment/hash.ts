/**
 * The environment hash: one sha256 that changes exactly when something that can change scores
 * changes. Baselines are keyed by it, so a false change orphans every stored baseline and a missed
 * change compares runs that are not comparable.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'
import type { Manifest } from './manifest.js'

/** A file the environment reads, by its path relative to the environment root (forward slashes). */
export interface HashedFile {
  path: string
  bytes: Buffer
}

export interface EnvironmentHashInput {
  /** The parsed manifest (after defaults), so formatting, comments and key order never count. */
  manifest: Manifest
  /** Data, few-shot and custom scorer files. Order does not matter. */
  files: readonly HashedFile[]
}

/** Top-level manifest fields that describe an environment without changing how it scores. */
const DESCRIPTIVE_FIELDS = ['$schema', 'name', 'version', 'description', 'license', 'tags'] as const

/** Bumped if the hash's construction ever changes, so old and new hashes never collide. */
const HASH_FORMAT = 'benchgen-environment-hash/1'

/** sha256 (hex) over the score-relevant manifest fields and the normalised bytes of every file. */
export function environmentHash(input: EnvironmentHashInput): string {
  const files = [...input.files]
    .map((file) => ({ path: file.path.replace(/\\/g, '/'), sha256: sha256Hex(normaliseText(file.bytes)) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  // Per-file digests inside one canonical JSON document: unambiguous framing of paths and bytes.
  return sha256Hex(Buffer.from(canonicalJson({ format: HASH_FORMAT, manifest: scoreRelevant(input.manifest), files }), 'utf8'))
}

/** The manifest without the fields that cannot change a score. */
function scoreRelevant(manifest: Manifest): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...manifest }
  for (const field of DESCRIPTIVE_FIELDS) delete copy[field]
  if (manifest.phases) {
    // A phase's description is prose too.
    copy.phases = Object.fromEntries(Object.entries(manifest.phases).map(([name, phase]) => [name, { ...phase, description: undefined }]))
  }
  return copy
}

/**
 * Text files lose a UTF-8 BOM and have CRLF/CR turned into LF, so a checkout with
 * `core.autocrlf` hashes like the original. Binary files (NUL bytes or invalid UTF-8) stay as is.
 */
export function normaliseText(bytes: Buffer): Buffer {
  if (bytes.includes(0)) return bytes
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return bytes
  }
  return Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8')
}

/** sha256 of bytes or UTF-8 text, as lowercase hex. */
export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}
