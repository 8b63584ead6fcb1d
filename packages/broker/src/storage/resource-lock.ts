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
  // The pool listens for errors only on idle clients. A connection that dies while it is held
  // here (a database restart, a failover) would otherwise be an uncaught error that stops the
  // process; instead its queries fail, the work fails, and the broken client is discarded.
  let lost: Error | undefined
  const onError = (error: Error) => {
    lost = error
  }
  client.on('error', onError)
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key])
    try {
      return await work(client)
    } finally {
      // A lost connection has lost its session locks with it.
      if (!lost) {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])
      }
    }
  } finally {
    client.off('error', onError)
    client.release(lost)
  }
}
