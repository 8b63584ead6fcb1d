import {expect} from 'chai'
import pg from 'pg'
import pino from 'pino'
import {DEPROVISION, JobQueue, PROVISION} from '../../src/jobs/queue.js'
import {createTestDatabase} from '../helpers/postgres.js'

const silent = pino({level: 'silent'})

async function queueSettings(databaseUrl: string) {
  const client = new pg.Client({connectionString: databaseUrl})
  await client.connect()
  try {
    const {rows} = await client.query<{name: string; retry_delay: number; expire_seconds: number}>(
      'select name, retry_delay, expire_seconds from pgboss.queue where name = any($1) order by name',
      [[PROVISION, DEPROVISION]],
    )
    return rows
  } finally {
    await client.end()
  }
}

describe('JobQueue', () => {
  it("creates its queues with production's retry delays and expiry", async () => {
    const databaseUrl = await createTestDatabase()
    const jobs = new JobQueue(databaseUrl, silent)
    await jobs.start()
    try {
      expect(await queueSettings(databaseUrl)).to.deep.equal([
        {name: DEPROVISION, retry_delay: 30, expire_seconds: 3600},
        {name: PROVISION, retry_delay: 10, expire_seconds: 900},
      ])
    } finally {
      await jobs.stop()
    }
  })

  it('takes shorter retry delays and expiry for every queue when given them', async () => {
    const databaseUrl = await createTestDatabase()
    const jobs = new JobQueue(databaseUrl, silent, {
      timing: {retryDelaySeconds: 1, expireInSeconds: 5, maintenanceIntervalSeconds: 1},
    })
    await jobs.start()
    try {
      expect(await queueSettings(databaseUrl)).to.deep.equal([
        {name: DEPROVISION, retry_delay: 1, expire_seconds: 5},
        {name: PROVISION, retry_delay: 1, expire_seconds: 5},
      ])
    } finally {
      await jobs.stop()
    }
  })
})
