import type {Pool, PoolClient, QueryResultRow} from 'pg'

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>

export async function queryRows<T extends QueryResultRow>(
  db: Queryable,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const result = await db.query<T>(sql, values)
  return result.rows
}

export async function queryOne<T extends QueryResultRow>(
  db: Queryable,
  sql: string,
  values: unknown[] = [],
): Promise<T | undefined> {
  const [row] = await queryRows<T>(db, sql, values)
  return row
}

/** Runs `work` in one transaction on a client of its own. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    const result = await work(client)
    await client.query('commit')
    return result
  } catch (error) {
    await client.query('rollback')
    throw error
  } finally {
    client.release()
  }
}
