import {expect} from 'chai'
import pg from 'pg'
import {withResourceLock} from '../../src/storage/resource-lock.js'
import {createTestDatabase} from '../helpers/postgres.js'

describe('withResourceLock', () => {
  let pool: pg.Pool

  before(async () => {
    pool = new pg.Pool({connectionString: await createTestDatabase(), max: 3})
  })

  after(() => pool.end())

  it('runs work on one add-on one at a time', async () => {
    const order: string[] = []
    const work = (name: string) =>
      withResourceLock(pool, 'addon-1', async () => {
        order.push(`${name} start`)
        await new Promise((resolve) => setTimeout(resolve, 50))
        order.push(`${name} end`)
      })

    await Promise.all([work('a'), work('b')])

    const [first] = order[0].split(' ')
    const second = first === 'a' ? 'b' : 'a'
    expect(order).to.deep.equal([
      `${first} start`,
      `${first} end`,
      `${second} start`,
      `${second} end`,
    ])
  })

  it('fails the work, not the process, when the database drops the held connection', async () => {
    const failure = await withResourceLock(pool, 'addon-2', async (client) => {
      const {rows} = await client.query('select pg_backend_pid() as pid')
      await pool.query('select pg_terminate_backend($1)', [rows[0].pid])
      await new Promise((resolve) => setTimeout(resolve, 100))
      await client.query('select 1')
    }).catch((error: Error) => error)

    expect(failure).to.be.an('error')
    const {rows} = await pool.query('select 1 as ok')
    expect(rows).to.deep.equal([{ok: 1}])
    await withResourceLock(pool, 'addon-2', async () => {})
  })
})
