import type {Pool, PoolClient} from 'pg'

/**
 * Serialises all work on one add-on across every broker process: a session-level advisory lock
 * keyed on the add-on's uuid, held on a client of its own while `work` runs. Heroku may deliver
 * the same request several times at once; the later ones wait and then see what the first did.
 */
export async function withResourceLock<T>(
  pool: Pool,
  resourceId: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [resourceId])
    try {
      return await work(client)
    } finally {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [resourceId])
    }
  } finally {
    client.release()
  }
}
