import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import nock from 'nock'
import {
  ADDON_PASSWORD,
  HEROKU_ID,
  OAUTH_CLIENT_SECRET,
  startTestBroker,
  type TestBroker,
} from '../helpers/app.js'
import {fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {queryError, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {grantReply, herokuKnowsUser, provisionRequest, USER_TOKEN} from '../helpers/heroku.js'
import {
  deprovision,
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runDeprovision,
  runProvision,
} from '../helpers/slice.js'

describe('secrets in logs', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker({LOG_LEVEL: 'trace'})
  })

  after(() => broker.app.close())

  it('never logs an AWS secret, OAuth token, Heroku token or Basic-auth password', async () => {
    const grantCodes: string[] = []
    const appSecrets: string[] = []

    // Success paths: link, provision, replay, deprovision.
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    const provisioned = await provisionForAcme(broker, {region: 'eu-west-1'})
    expect(provisioned.response.statusCode).to.equal(202)
    grantCodes.push(provisioned.grantCode)
    const heroku = herokuAcceptsConfig(provisioned.uuid)
    await runProvision(broker, provisioned.uuid)
    appSecrets.push(heroku.sent[0].find((v) => v.name === 'BYO_S3_AWS_SECRET_ACCESS_KEY')!.value)
    expect((await provisioned.post()).statusCode).to.equal(202)
    expect((await deprovision(broker, provisioned.uuid)).statusCode).to.equal(204)
    await runDeprovision(broker, provisioned.uuid)

    // Failure paths: keys AWS rejects, a grant Heroku refuses, wrong Basic auth.
    nock.cleanAll()
    herokuKnowsUser('admin')
    fakeQueryApi(STS_URL, () => ({
      status: 403,
      body: queryError('InvalidClientTokenId', 'invalid', STS_NAMESPACE),
    }))
    const rejected = await broker.app.inject({
      method: 'PUT',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: LINKED_CREDENTIALS,
    })
    expect(rejected.statusCode).to.equal(422)

    const refused = provisionRequest()
    grantCodes.push(refused.oauth_grant.code)
    nock(HEROKU_ID).post('/oauth/token').reply(401, {id: 'unauthorized', message: 'Invalid grant'})
    const refusedReply = await broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {authorization: broker.partnerAuth},
      payload: refused,
    })
    expect(refusedReply.statusCode).to.equal(422)

    const wrongAuth = await broker.app.inject({
      method: 'DELETE',
      url: `/heroku/resources/${randomUUID()}`,
      headers: {
        authorization: 'Basic ' + Buffer.from(`byo-s3:${ADDON_PASSWORD}x`).toString('base64'),
      },
    })
    expect(wrongAuth.statusCode).to.equal(401)

    const logs = broker.logLines.join('\n')
    expect(broker.logLines.length).to.be.greaterThan(10)
    const secrets = {
      'linked AWS secret': LINKED_CREDENTIALS.secretAccessKey,
      'app AWS secret': appSecrets[0],
      'OAuth access token': grantReply.access_token,
      'OAuth refresh token': grantReply.refresh_token,
      'OAuth client secret': OAUTH_CLIENT_SECRET,
      'Heroku user token': USER_TOKEN,
      'Basic-auth password': ADDON_PASSWORD,
      'Basic-auth header': broker.partnerAuth.slice('Basic '.length),
      'first grant code': grantCodes[0],
      'second grant code': grantCodes[1],
    }
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret, what).to.be.a('string').with.length.greaterThan(5)
      expect(logs.includes(secret), `${what} appears in the logs`).to.equal(false)
    }
  })
})
