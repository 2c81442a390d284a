/**
 * The environment module's public API: load and validate environments from folders, bundles,
 * the hub and GitHub; pack bundles; and the building blocks (datasets, cases, hashing, downloads).
 */
export { Manifest, DataSource, FieldMapping, Phase, FewShot, Generation, Harness, Extract, Normalize, Scorer, Scoring, DatasetFormat } from './manifest.js'
export type { ScorerConfig } from './manifest.js'
export type { Environment, EnvCase, EnvironmentSource, Target } from './types.js'
export type { LoadOptions } from './options.js'

export { loadEnvironment, validateEnvironment, type ValidationResult } from './load.js'
export { resolveEnvironment, parseEnvironmentRef, defaultHubDir, compareVersions, HubIndex, REF_FORMS, type EnvironmentRef, type ResolvedEnvironment } from './resolve.js'
export { packEnvironment, type PackResult } from './pack.js'
export { parseManifest, type ManifestText, type FieldPath } from './manifest-file.js'
export { parseDataset, formatFromExtension, getPath, MAX_ISSUES_PER_FILE, type DatasetRow, type ParseDatasetOptions, type ParsedDataset } from './dataset.js'
export { buildCases, caseId, type BuildCasesOptions, type BuiltCases } from './cases.js'
export { scorerName, pickDefaultPhase } from './checks.js'
export { environmentHash, normaliseText, sha256Hex, type EnvironmentHashInput, type HashedFile } from './hash.js'
export { canonicalJson } from './canonical-json.js'
export { defaultCacheDir } from './cache-dir.js'
export { downloadVerified, downloadToFile, fetchBytes, sha256File, displayUrl, DEFAULT_MAX_DOWNLOAD_BYTES, type DownloadOptions, type FetchOptions } from './download.js'
export { extractBundle, checkEntryPath, DEFAULT_BUNDLE_LIMITS, MANIFEST_FILES, type BundleLimits, type ExtractedBundle } from './bundle.js'
