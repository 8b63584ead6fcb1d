import type {Pool} from 'pg'
import type {KeyRing} from '../crypto/key-ring.js'

/** Every column that holds a Fernet-sealed secret, with the key of its table. */
export const SEALED_COLUMNS = [
  {table: 'team_links', key: 'team_id', column: 'secret_access_key_sealed'},
  {table: 'resources', key: 'id', column: 'app_secret_access_key_sealed'},
  {table: 'resources', key: 'id', column: 'oauth_access_token_sealed'},
  {table: 'resources', key: 'id', column: 'oauth_refresh_token_sealed'},
  {table: 'rotations', key: 'id', column: 'new_secret_access_key_sealed'},
] as const

export interface ReencryptOptions {
  batchSize?: number
  /** Told after each batch, for progress on long runs. */
  onProgress?: (progress: ColumnProgress) => void
  /** Called before each value is written; tests use it to write a value meanwhile. */
  beforeWrite?: (progress: ColumnProgress) => Promise<void>
}

export interface ColumnProgress {
  column: string
  checked: number
  resealed: number
}

/**
 * Seals every stored secret again under the first key of the ring, so that older keys can leave
 * `FERNET_KEYS`. Safe while the broker serves: each value is replaced only if it is still the
 * one that was read, so a secret written meanwhile (already under the first key) is never
 * overwritten. Resumable: values already under the first key are left alone, so a second run
 * after an interruption carries on where the first stopped.
 */
export async function reencryptSecrets(
  pool: Pool,
  keyRing: KeyRing,
  {batchSize = 500, onProgress, beforeWrite}: ReencryptOptions = {},
): Promise<ColumnProgress[]> {
  const results: ColumnProgress[] = []
  for (const {table, key, column} of SEALED_COLUMNS) {
    const progress = {column: `${table}.${column}`, checked: 0, resealed: 0}
    let after: string | null = null
    for (;;) {
      // Keyset pagination on the table's key: stable while rows are added or changed.
      const {rows}: {rows: {key: string; sealed: string}[]} = await pool.query(
        `select ${key}::text as key, ${column} as sealed from ${table}
         where ${column} is not null and ($1::text is null or ${key}::text > $1)
         order by ${key}::text limit $2`,
        [after, batchSize],
      )
      if (rows.length === 0) break

      for (const row of rows) {
        progress.checked++
        if (keyRing.isSealedWithFirstKey(row.sealed)) continue

        const resealed = keyRing.seal(keyRing.unseal(row.sealed))
        await beforeWrite?.(progress)
        const result = await pool.query(
          `update ${table} set ${column} = $1 where ${key}::text = $2 and ${column} = $3`,
          [resealed, row.key, row.sealed],
        )
        progress.resealed += result.rowCount ?? 0
      }

      after = rows.at(-1)!.key
      onProgress?.({...progress})
    }

    results.push(progress)
  }

  return results
}
