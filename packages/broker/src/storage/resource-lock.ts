import type {Pool, PoolClient} from 'pg'

/**
 * Requests and jobs lock separately: a job may hold its lock for minutes while AWS settles, and
 * Heroku's repeated requests must still be answered at once.
 */
export type LockScope = 'request' | 'job'

/**
 * Serialises all work on one add-on across every broker process: a session-level advisory lock
 * keyed on the add-on's uuid, held on a client of its own while `work` runs. Heroku may deliver
 * the same request several times at once; the later ones wait and then see what the first did.
 */
export async function withResourceLock<T>(
  pool: Pool,
  resourceId: string,
  work: (client: PoolClient) => Promise<T>,
  scope: LockScope = 'request',
): Promise<T> {
  const key = `${scope}:${resourceId}`
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key])
    try {
      return await work(client)
    } finally {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])
    }
  } finally {
    client.release()
  }
}
