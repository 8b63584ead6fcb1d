import {existsSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

/**
 * Reads a fixture from the shared folder that sits beside the project checkout (`../shared`),
 * or from BYO_S3_SHARED_DIR. The official Fernet vectors and Heroku's sample replies live there
 * and are not copied into the repository.
 */
export function sharedFixture<T = unknown>(relativePath: string): T {
  const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
  const sharedDir = process.env.BYO_S3_SHARED_DIR ?? path.join(repoRoot, '..', 'shared')
  const file = path.join(sharedDir, 'fixtures', relativePath)
  if (!existsSync(file)) {
    throw new Error(
      `Missing test fixture ${file}. The shared folder must sit beside the checkout, or ` +
        'BYO_S3_SHARED_DIR must name it.',
    )
  }

  return JSON.parse(readFileSync(file, 'utf8')) as T
}
