import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {LINKED_CREDENTIALS} from '../helpers/aws-fakes.js'
import {doctorFixture, orphanUser, ourTags} from '../helpers/doctor.js'
import {TEAM} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'
import {runScheduledDoctor} from '../../src/doctor/scheduled.js'
import {DOCTOR, DOCTOR_SCHEDULE} from '../../src/jobs/queue.js'
import {findDoctorRecord} from '../../src/storage/doctor-reports.js'
import {saveTeamLink} from '../../src/storage/team-links.js'

const REVOKED_KEY = 'AKIAREVOKEDKEY000001'
const REVOKED_SECRET = 'revoked-secret-0123456789abcdef'

describe('the hourly drift check', () => {
  let broker: TestBroker
  const betaId = randomUUID()

  beforeEach(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  afterEach(() => broker.app.close())

  // Teams are checked by name, so aardvark goes first: its failure must not stop acme's check.
  async function linkBetaWithRevokedKeys() {
    await saveTeamLink(broker.app.services.pool, {
      teamId: betaId,
      teamName: 'aardvark',
      awsAccountId: '444455556666',
      kind: 'keys',
      roleArn: null,
      accessKeyId: REVOKED_KEY,
      secretAccessKeySealed: broker.config.keyRing.seal(REVOKED_SECRET),
      linkedById: randomUUID(),
      linkedByEmail: 'bo@aardvark.example',
    })
  }

  it('is scheduled with pg-boss', async () => {
    const {rows} = await broker.app.services.pool.query(
      'select cron from pgboss.schedule where name = $1',
      [DOCTOR],
    )

    expect(rows).to.deep.equal([{cron: DOCTOR_SCHEDULE}])
  })

  it('checks every team, stores each outcome, and goes on past a team whose keys fail', async () => {
    const aws = await doctorFixture(broker, {refusedKeys: [REVOKED_KEY]})
    aws.users.set('byo-s3-gone', orphanUser(ourTags()))
    await linkBetaWithRevokedKeys()

    await runScheduledDoctor(broker.app.services, broker.app.log)

    const pool = broker.app.services.pool
    const acme = await findDoctorRecord<{problems: number; fixed: boolean}>(pool, TEAM.id)
    expect(acme?.report).to.include({problems: 1, fixed: false})
    expect(aws.users.has('byo-s3-gone')).to.equal(true)
    const beta = await findDoctorRecord(pool, betaId)
    expect(beta).to.include({report: null})
    expect(beta?.error).to.match(/^InvalidAccessKeyId/)

    const lines = broker.logLines.map((line) => JSON.parse(line))
    const found = lines.find((line) => line.msg === 'drift check found problems')
    expect(found).to.include({teamId: TEAM.id, problems: 1, level: 40})
    expect(found.counts).to.include({orphan: 1})
    const failed = lines.find((line) => line.msg === 'drift check could not run')
    expect(failed).to.include({teamId: betaId, level: 40})
    const log = broker.logLines.join('\n')
    for (const secret of [REVOKED_SECRET, LINKED_CREDENTIALS.secretAccessKey, 'app-secret-1']) {
      expect(log).not.to.include(secret)
    }
  })
})
