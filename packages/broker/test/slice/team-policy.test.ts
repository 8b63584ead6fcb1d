import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {xmlTexts} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const KMS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

/** One acceptable value for every option. */
const GOOD_VALUES: Record<string, string> = {
  region: 'eu-west-1',
  versioning: 'true',
  'cors-origins': 'https://shop.example',
  'public-prefix': 'true',
  'noncurrent-expiry-days': '30',
  'abort-multipart-days': '3',
  'kms-key-arn': KMS_KEY,
  bucket: 'acme-assets',
}

describe('a team’s policy for options: public buckets, forbidden and forced options', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  async function changeLink(settings: object) {
    herokuKnowsUser('admin')
    return broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: settings,
    })
  }

  async function setPolicy(settings: object) {
    const response = await changeLink(settings)
    expect(response.statusCode, response.body).to.equal(200)
    return response.json()
  }

  async function refusal(options: Record<string, string>) {
    const {response, s3, iam} = await provisionForAcme(broker, {options})
    expect(response.statusCode, response.body).to.equal(422)
    expect([s3.requests.length, iam.length]).to.deep.equal([0, 0])
    return response.json().message as string
  }

  describe('set through the admin API', () => {
    it('starts with public buckets and adoption not allowed and nothing forbidden or forced', async () => {
      herokuKnowsUser('admin')

      const response = await broker.app.inject({
        method: 'GET',
        url: '/admin/teams/acme/link',
        headers: {authorization: `Bearer ${USER_TOKEN}`},
      })

      const link = response.json()
      expect(link).to.include({allowPublic: false, allowAdopt: false})
      expect(link.forbiddenOptions).to.deep.equal([])
      expect(link.forcedOptions).to.deep.equal({})
    })

    it('stores the policy and shows it in the link', async () => {
      await setPolicy({
        allowPublic: true,
        allowAdopt: true,
        forbiddenOptions: ['kms-key-arn', 'bucket'],
        forcedOptions: {'abort-multipart-days': ' 3 '},
      })
      herokuKnowsUser('admin')

      const response = await broker.app.inject({
        method: 'GET',
        url: '/admin/teams/acme/link',
        headers: {authorization: `Bearer ${USER_TOKEN}`},
      })

      expect(response.json()).to.deep.include({
        allowPublic: true,
        allowAdopt: true,
        forbiddenOptions: ['kms-key-arn', 'bucket'],
        forcedOptions: {'abort-multipart-days': '3'},
      })
      await setPolicy({
        allowPublic: false,
        allowAdopt: false,
        forbiddenOptions: [],
        forcedOptions: {},
      })
    })

    const refused: [string, object, string][] = [
      [
        'an option byo-s3 does not have',
        {forbiddenOptions: ['colour']},
        'byo-s3 has no option --colour. Its options are region, versioning,',
      ],
      [
        'a forced value the option does not take',
        {forcedOptions: {versioning: 'always'}},
        '--versioning takes true or false, not "always"',
      ],
      [
        'an option both forbidden and forced',
        {forbiddenOptions: ['versioning'], forcedOptions: {versioning: 'true'}},
        'versioning cannot be both forbidden and forced',
      ],
      [
        'a forced bucket',
        {forcedOptions: {bucket: 'acme-assets'}},
        '--bucket adopts one existing bucket, so it cannot be forced on every add-on',
      ],
      [
        'a forced public prefix while public buckets are not allowed',
        {forcedOptions: {'public-prefix': 'true'}},
        'Forcing public-prefix=true needs public buckets allowed (--allow-public)',
      ],
    ]
    for (const [label, settings, reason] of refused) {
      it(`refuses ${label} with 422, changing nothing`, async () => {
        const response = await changeLink(settings)

        expect(response.statusCode).to.equal(422)
        expect(response.json().message).to.contain(reason)
        const {rows} = await broker.app.services.pool.query(
          'select forbidden_options, forced_options from team_links',
        )
        expect(rows).to.deep.equal([{forbidden_options: [], forced_options: {}}])
      })
    }

    it('refuses to disallow public buckets while a public prefix is forced', async () => {
      await setPolicy({allowPublic: true, forcedOptions: {'public-prefix': 'true'}})

      const response = await changeLink({allowPublic: false})

      expect(response.statusCode).to.equal(422)
      expect(response.json().message).to.contain('Forcing public-prefix=true needs public buckets')
      await setPolicy({allowPublic: false, forcedOptions: {}})
    })
  })

  describe('applied at provisioning', () => {
    afterEach(() =>
      setPolicy({allowPublic: false, allowAdopt: false, forbiddenOptions: [], forcedOptions: {}}),
    )

    for (const [name, value] of Object.entries(GOOD_VALUES)) {
      it(`refuses --${name} when the team forbids it, saying who can allow it and how`, async () => {
        await setPolicy({allowPublic: true, forbiddenOptions: [name]})

        const message = await refusal({[name]: value})

        expect(message).to.equal(
          `Team acme's byo-s3 policy forbids --${name}: create the add-on without it, or ask a ` +
            'team admin to allow it with heroku byo-s3:link --team acme --forbid-option none.',
        )
      })
    }

    it('names the options that stay forbidden in the command that allows this one', async () => {
      await setPolicy({forbiddenOptions: ['versioning', 'cors-origins']})

      const message = await refusal({versioning: 'true'})

      expect(message).to.contain('forbids --versioning:')
      expect(message).to.contain('heroku byo-s3:link --team acme --forbid-option cors-origins.')
    })

    it('refuses --public-prefix while the team does not allow public buckets', async () => {
      const message = await refusal({'public-prefix': 'true'})

      expect(message).to.equal(
        "Team acme's byo-s3 policy does not allow public buckets, so --public-prefix cannot be " +
          'used. A team admin can allow them with heroku byo-s3:link --team acme --allow-public.',
      )
    })

    it('refuses --bucket while the team does not allow adopting buckets, saying who can allow it', async () => {
      const message = await refusal({bucket: 'acme-assets'})

      expect(message).to.equal(
        "Team acme's byo-s3 link does not allow adopting existing buckets (its allow-adopt " +
          'setting is off), so --bucket cannot be used. A team admin can allow it with heroku ' +
          'byo-s3:link --team acme --allow-adopt.',
      )
    })

    it('accepts --bucket once the team allows adopting buckets', async () => {
      await setPolicy({allowAdopt: true})

      const {response} = await provisionForAcme(broker, {options: {bucket: 'acme-allowed'}})

      expect(response.statusCode, response.body).to.equal(202)
    })

    it('accepts --public-prefix false while public buckets are not allowed', async () => {
      const {response} = await provisionForAcme(broker, {options: {'public-prefix': 'false'}})

      expect(response.statusCode, response.body).to.equal(202)
    })

    it('puts the options the team forces over the ones asked for', async () => {
      await setPolicy({forcedOptions: {versioning: 'true', 'abort-multipart-days': '2'}})
      const {uuid, s3} = await provisionForAcme(broker, {options: {versioning: 'false'}})
      herokuAcceptsConfig(uuid)

      await runProvision(broker, uuid)

      expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
      const versioning = s3.requests.find((call) => call.operation === 'PutBucketVersioning')!
      expect(xmlTexts(versioning.body, 'Status')).to.deep.equal(['Enabled'])
      const lifecycle = s3.requests.find(
        (call) => call.operation === 'PutBucketLifecycleConfiguration',
      )!
      expect(xmlTexts(lifecycle.body, 'DaysAfterInitiation')).to.deep.equal(['2'])
      const {rows} = await broker.app.services.pool.query(
        'select options from resources where id = $1',
        [uuid],
      )
      expect(rows[0].options).to.deep.equal({versioning: 'true', 'abort-multipart-days': '2'})
    })

    it('says when an option the team forces cannot go with adopting a bucket', async () => {
      await setPolicy({allowAdopt: true, forcedOptions: {versioning: 'true'}})

      const message = await refusal({bucket: 'acme-assets'})

      expect(message).to.contain("not with --versioning (set by team acme's policy)")
    })
  })
})
