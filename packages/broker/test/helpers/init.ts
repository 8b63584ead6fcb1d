import nock from 'nock'
import {BROKER_CREDENTIALS} from './aws-fake-sts.js'
import {assertNoLeaks, scanLoggedLines} from './log-audit.js'
import {startTestPostgres, stopTestPostgres} from './postgres.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
// The broker's own identity, found by the SDK's default chain as on a real dyno; it only ever
// assumes teams' roles, never reaches a team's account by itself.
process.env.AWS_ACCESS_KEY_ID = BROKER_CREDENTIALS.accessKeyId
process.env.AWS_SECRET_ACCESS_KEY = BROKER_CREDENTIALS.secretAccessKey
// No test may reach a real AWS or Heroku endpoint; loopback stays open for the test database.
nock.disableNetConnect()
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)

export async function mochaGlobalSetup() {
  await startTestPostgres()
}

export async function mochaGlobalTeardown() {
  await stopTestPostgres()
}

export const mochaHooks = {
  afterEach() {
    nock.cleanAll()
    scanLoggedLines()
  },
  // One failure at the end rather than in afterEach, which would stop the run at the first leak.
  afterAll() {
    assertNoLeaks()
  },
}
