import nock from 'nock'
import {startTestPostgres, stopTestPostgres} from './postgres.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
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
  },
}
