import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {herokuAcceptsConfig, linkAcme, provisionForAcme, runProvision} from '../helpers/slice.js'

describe('a team’s link settings at provisioning: default region and bucket prefix', () => {
  let broker: TestBroker

  beforeEach(async () => {
    broker = await startTestBroker()
  })

  afterEach(() => broker.app.close())

  async function changeLink(settings: object) {
    herokuKnowsUser('admin')
    const response = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: settings,
    })
    expect(response.statusCode, response.body).to.equal(200)
  }

  async function provisionFully(region: string) {
    const provision = await provisionForAcme(broker, {region, appName: 'shop'})
    expect(provision.response.statusCode, provision.response.body).to.equal(202)
    const heroku = herokuAcceptsConfig(provision.uuid)
    await runProvision(broker, provision.uuid)
    heroku.scope.done()
    const config = Object.fromEntries(heroku.sent[0].map(({name, value}) => [name, value]))
    return {...provision, config}
  }

  it('creates buckets in the app’s own region while the team has no default', async () => {
    await linkAcme(broker)

    const {config, s3} = await provisionFully('eu-west-1')

    expect(config.BYO_S3_AWS_REGION).to.equal('eu-west-1')
    const create = s3.requests.find((request) => request.operation === 'CreateBucket')!
    expect(create.region).to.equal('eu-west-1')
    expect(config.BYO_S3_BUCKET_NAME).to.match(/^byo-s3-shop-[a-z2-7]{12}$/)
  })

  it('creates buckets in the team’s default region, whatever the app’s region', async () => {
    await linkAcme(broker, {region: 'eu-central-1'})

    const {config, s3, response} = await provisionFully('us-east-1')

    expect(response.json().message).to.contain(' in eu-central-1 ')
    expect(config.BYO_S3_AWS_REGION).to.equal('eu-central-1')
    const create = s3.requests.find((request) => request.operation === 'CreateBucket')!
    expect(create.region).to.equal('eu-central-1')
    expect(create.body).to.contain('<LocationConstraint>eu-central-1</LocationConstraint>')
  })

  it('names new buckets with the team’s prefix once it is set, leaving older ones as they are', async () => {
    await linkAcme(broker)
    const before = await provisionFully('us-east-1')

    await changeLink({bucketPrefix: 'acme-data'})
    const after = await provisionFully('us-east-1')

    expect(before.config.BYO_S3_BUCKET_NAME).to.match(/^byo-s3-shop-/)
    expect(after.config.BYO_S3_BUCKET_NAME).to.match(/^acme-data-shop-[a-z2-7]{12}$/)
  })

  it('refuses a region outside AWS with 422 when the team has no default region', async () => {
    await linkAcme(broker)

    const {response} = await provisionForAcme(broker, {region: 'mars-north-1'})

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('amazon-web-services::mars-north-1')
  })
})
