import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import fc from 'fast-check'
import type {InjectOptions, LightMyRequestResponse} from 'fastify'
import nock from 'nock'
import {ssoToken} from '../../src/sso/token.js'
import {
  ADDON_PASSWORD,
  HEROKU_API,
  HEROKU_ID,
  OAUTH_CLIENT_SECRET,
  SSO_SALT,
  startTestBroker,
  type TestBroker,
} from '../helpers/app.js'
import {BROKER_CREDENTIALS} from '../helpers/aws-fake-sts.js'
import {fakeQueryApi, IAM_URL, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {queryError, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {ACCOUNT, grantReply, provisionRequest, TEAM, USER_TOKEN} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'
import {provisionedAddon} from '../helpers/sso.js'
import {entries, HOSTILE_OR_NOT_UUID, HOSTILE_STRINGS} from './hostile-values.js'

/** A value as one segment of a request address; a lone surrogate goes as its replacement. */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
  }
}

type Surface = 'partner' | 'api' | 'page'

interface Case {
  label: string
  surface: Surface
  request: InjectOptions
  /** A first provision request is recorded, refused, under its uuid: the one change allowed. */
  mayRecordRefused?: string
}

/** Values of the wrong JSON type that no schema coerces into a string (Fastify's Ajv coerces scalars). */
const UNCOERCIBLE: Record<string, unknown> = {
  object: {$ne: null},
  'two-item array': ['standard', 'standard'],
  'nested arrays': [[[[[]]]]],
  'array of objects': [{}],
}

const TABLES = [
  'resources',
  'team_links',
  'rotations',
  'quota_snapshots',
  'team_external_ids',
  'doctor_reports',
]

describe('Bad input: hostile and malformed requests are refused and change nothing', function () {
  this.timeout(60_000)
  let broker: TestBroker
  let addon: Awaited<ReturnType<typeof provisionedAddon>>
  let refusedUuid: string
  let secrets: [string, string][]
  let sent = 0

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    addon = await provisionedAddon(broker)
    const refused = provisionRequest({plan: 'no-such-plan'})
    refusedUuid = refused.uuid
    expect((await partner('POST', '/heroku/resources', refused)).statusCode).to.equal(422)
    secrets = [
      ['Basic-auth password', ADDON_PASSWORD],
      ['SSO salt', SSO_SALT],
      ['OAuth client secret', OAUTH_CLIENT_SECRET],
      ['Heroku user token', USER_TOKEN],
      ['OAuth access token', grantReply.access_token],
      ['OAuth refresh token', grantReply.refresh_token],
      ['linked secretAccessKey', LINKED_CREDENTIALS.secretAccessKey],
      ["broker's own secretAccessKey", BROKER_CREDENTIALS.secretAccessKey],
      ["add-on's secretAccessKey", addon.secretAccessKey],
      ['OAuth grant code', addon.grantCode],
    ]
  })

  after(() => broker.app.close())

  // Heroku knows one user, an admin of acme, and refuses every grant: each was used already.
  // AWS refuses every call. Nothing a hostile request does can then succeed by luck.
  beforeEach(() => {
    nock(HEROKU_ID)
      .persist()
      .post('/oauth/token')
      .reply(400, {error: 'invalid_grant', error_description: 'The grant was already used.'})
    nock(HEROKU_API)
      .persist()
      .get(/.*/)
      .reply(function (uri) {
        if (this.req.headers.authorization !== `Bearer ${USER_TOKEN}`) {
          return [401, {id: 'unauthorized', message: 'Invalid credentials provided.'}]
        }
        if (uri === '/account') return [200, ACCOUNT]
        if (uri === `/teams/${TEAM.name}`) return [200, {...TEAM, role: 'admin'}]
        if (uri === '/teams') return [200, [{...TEAM, role: 'admin'}]]
        return [404, {id: 'not_found', message: 'Couldn’t find that team.'}]
      })
    const denied = {status: 403, body: queryError('AccessDenied', 'Access denied')}
    fakeQueryApi(STS_URL, () => ({
      ...denied,
      body: queryError('InvalidClientTokenId', 'Invalid token', STS_NAMESPACE),
    }))
    fakeQueryApi(IAM_URL, () => denied)
  })

  after(() => {
    // Run when the suite is run whole; a focused run (--grep) may send fewer.
    if (sent > 0) console.log(`      ${sent} hostile requests sent`)
  })

  function partner(method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
    return broker.app.inject({
      method,
      url,
      headers: {
        authorization: broker.partnerAuth,
        accept: 'application/vnd.heroku-addons+json; version=3',
      },
      ...(payload === undefined ? {} : {payload: payload as object}),
    })
  }

  const partnerHeaders = () => ({
    authorization: broker.partnerAuth,
    'content-type': 'application/json',
  })
  const adminHeaders = {authorization: `Bearer ${USER_TOKEN}`}

  function ssoHeader(params: Record<string, unknown>): string {
    return Buffer.from(JSON.stringify({params})).toString('base64')
  }

  function signedParams(id: string, timestamp = String(Math.floor(Date.now() / 1000))) {
    return {resource_id: id, resource_token: ssoToken(id, SSO_SALT, timestamp), timestamp}
  }

  /** Every row of the tables a request could change, as text. */
  async function snapshot(): Promise<Record<string, string[]>> {
    const queries = TABLES.map((table) => `select to_jsonb(t)::text as row from ${table} t`)
    queries.push(`select jsonb_build_object('name', name, 'data', data)::text from pgboss.job`)
    const tables: Record<string, string[]> = {}
    for (const [index, name] of [...TABLES, 'pgboss.job'].entries()) {
      const {rows} = await broker.app.services.pool.query<{row: string}>(queries[index])
      tables[name] = rows.map(({row}) => row).sort()
    }
    return tables
  }

  function shapeProblem(surface: Surface, response: LightMyRequestResponse): string | undefined {
    if (surface === 'page') {
      if (!response.headers['content-type']?.toString().startsWith('text/html')) {
        return `answered ${response.headers['content-type']} for a page`
      }
      return /<p[^>]*>[^<]+/.test(response.body) ? undefined : 'a page without a message'
    }

    let body: {id?: unknown; message?: unknown}
    try {
      body = response.json()
    } catch {
      return `a body that is not JSON: ${response.body.slice(0, 80)}`
    }
    if (typeof body.message !== 'string' || body.message.trim() === '') return 'no message'
    // The Partner API's refusals of a recorded request are Heroku's shape, a message alone.
    if (surface === 'api' && (typeof body.id !== 'string' || body.id === '')) return 'no id'
    return undefined
  }

  /** Sends one case and lists what went wrong with it; an empty list is a clean refusal. */
  async function check(testCase: Case): Promise<string[]> {
    const problems: string[] = []
    const before = await snapshot()
    const response = await broker.app.inject(testCase.request)
    sent++
    if (response.statusCode < 400 || response.statusCode >= 500) {
      problems.push(`answered ${response.statusCode}: ${response.body.slice(0, 200)}`)
    }
    const shape = shapeProblem(testCase.surface, response)
    if (shape) problems.push(shape)

    const answered = response.body + JSON.stringify(response.headers)
    for (const [label, value] of secrets) {
      if (answered.includes(value)) problems.push(`echoed the ${label}`)
    }

    const health = await broker.app.inject({method: 'GET', url: '/healthz'})
    if (health.statusCode !== 200) problems.push(`left /healthz answering ${health.statusCode}`)

    const after = await snapshot()
    if (testCase.mayRecordRefused) {
      const recorded = after.resources.filter((row) => row.includes(testCase.mayRecordRefused!))
      after.resources = after.resources.filter((row) => !recorded.includes(row))
      for (const row of recorded) {
        const {state, oauth_access_token_sealed: token} = JSON.parse(row)
        if (state !== 'refused' || token !== null)
          problems.push(`recorded ${state}, token ${token}`)
      }
    }
    for (const table of Object.keys(before)) {
      if (JSON.stringify(before[table]) !== JSON.stringify(after[table])) {
        problems.push(`changed ${table}`)
      }
    }

    return problems.map((problem) => `${testCase.label}: ${problem}`)
  }

  async function expectAllRefused(cases: Case[]) {
    expect(cases.length).to.be.greaterThan(0)
    const problems: string[] = []
    for (const testCase of cases) problems.push(...(await check(testCase)))
    expect(problems).to.deep.equal([])
  }

  function partnerPost(label: string, payload: unknown, mayRecordRefused?: string): Case {
    return {
      label,
      surface: 'partner',
      mayRecordRefused,
      request: {
        method: 'POST',
        url: '/heroku/resources',
        headers: partnerHeaders(),
        payload: JSON.stringify(payload),
      },
    }
  }

  describe('Partner API', () => {
    it('refuses a uuid that is not a uuid', async () => {
      const values = {...HOSTILE_OR_NOT_UUID, ...UNCOERCIBLE, number: 12345, boolean: true}
      await expectAllRefused(
        entries(values).map(([name, uuid]) =>
          partnerPost(`uuid ${name}`, provisionRequest({uuid})),
        ),
      )
    })

    for (const field of ['name', 'plan', 'region']) {
      it(`refuses a provision request with a hostile ${field}, recording only its refusal`, async () => {
        await expectAllRefused(
          entries({...HOSTILE_STRINGS, ...UNCOERCIBLE}).map(([name, value]) => {
            const request = provisionRequest({[field]: value})
            return partnerPost(`${field} ${name}`, request, request.uuid)
          }),
        )
      })
    }

    it('refuses hostile option names, option values and grant codes', async () => {
      const cases = entries(HOSTILE_STRINGS).flatMap(([name, value]) => {
        const requests = {
          'option name': provisionRequest({options: {[value]: 'true'}}),
          'option value': provisionRequest({options: {versioning: value}}),
          'grant code': provisionRequest({oauth_grant: {code: value}}),
        }
        return entries(requests).map(([what, request]) =>
          partnerPost(`${what} ${name}`, request, request.uuid),
        )
      })
      cases.push(
        ...entries(UNCOERCIBLE).map(([name, value]) => {
          const request = provisionRequest({oauth_grant: value})
          return partnerPost(`oauth_grant ${name}`, request, request.uuid)
        }),
      )
      await expectAllRefused(cases)
    })

    it('refuses bodies that are missing, not objects, or not JSON', async () => {
      const bodies: Record<string, string> = {
        'empty object': '{}',
        array: '[]',
        string: '"uuid"',
        number: '42',
        null: 'null',
        truncated: '{"uuid": ',
        'trailing comma': `{"uuid": "${randomUUID()}",}`,
        'single quotes': `{'uuid': '${randomUUID()}'}`,
        'prototype pollution': `{"__proto__": {"admin": true}, "uuid": "${randomUUID()}"}`,
        'constructor pollution': `{"constructor": {"prototype": {"admin": true}}, "uuid": 1}`,
        'NUL byte': '\u0000',
        // Deeper than the parser goes: refused as unreadable, whatever the stack left to it.
        'deeply nested': `{"uuid": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
        'deeply nested objects': `{"uuid": "${randomUUID()}", "options": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
        'over the body limit': JSON.stringify(provisionRequest({name: 'x'.repeat(1_100_000)})),
      }
      const cases: Case[] = entries(bodies).map(([name, payload]) => ({
        label: name,
        surface: 'api',
        request: {method: 'POST', url: '/heroku/resources', headers: partnerHeaders(), payload},
      }))
      // JSON behind a byte order mark is read; with a uuid alone it is a request without a grant.
      const uuid = randomUUID()
      cases.push({
        label: 'byte order mark',
        surface: 'partner',
        mayRecordRefused: uuid,
        request: {...cases[0].request, payload: `\uFEFF{"uuid": "${uuid}"}`},
      })
      // Nested options the parser reads are refused as options, recorded as the refusal.
      const nested = randomUUID()
      cases.push({
        label: 'nested options',
        surface: 'partner',
        mayRecordRefused: nested,
        request: {
          ...cases[0].request,
          payload: `{"uuid": "${nested}", "options": ${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`,
        },
      })
      await expectAllRefused(cases)
    })

    it('refuses a provision request in another content type', async () => {
      const types = [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
      ]
      const cases: Case[] = types.map((type) => ({
        label: type,
        surface: 'api',
        request: {
          method: 'POST',
          url: '/heroku/resources',
          headers: {...partnerHeaders(), 'content-type': type},
          payload: JSON.stringify(provisionRequest()),
        },
      }))
      // JSON under a charset it is not in is read as JSON: Heroku's grant is refused as used.
      const charset = provisionRequest()
      cases.push({
        label: 'JSON labelled UTF-16',
        surface: 'partner',
        mayRecordRefused: charset.uuid,
        request: {
          method: 'POST',
          url: '/heroku/resources',
          headers: {...partnerHeaders(), 'content-type': 'application/json; charset=utf-16'},
          payload: JSON.stringify(charset),
        },
      })
      // A form is read, but a form cannot carry a grant: the request is refused as one without.
      const form = provisionRequest()
      cases.push({
        label: 'a form',
        surface: 'partner',
        mayRecordRefused: form.uuid,
        request: {
          method: 'POST',
          url: '/heroku/resources',
          headers: {...partnerHeaders(), 'content-type': 'application/x-www-form-urlencoded'},
          payload: new URLSearchParams({uuid: form.uuid, plan: 'standard'}).toString(),
        },
      })
      await expectAllRefused(cases)
    })

    it('refuses every route without the right Basic credentials', async () => {
      const basic = (text: string) => 'Basic ' + Buffer.from(text).toString('base64')
      const credentials: Record<string, string | undefined> = {
        none: undefined,
        'wrong password': basic('byo-s3:wrong'),
        'password with CRLF': basic(`byo-s3:${ADDON_PASSWORD}\r\nX-Admin: 1`),
        'password with NUL': basic(`byo-s3:${ADDON_PASSWORD}\u0000`),
        'wrong user': basic(`acme:${ADDON_PASSWORD}`),
        'no colon': basic(ADDON_PASSWORD),
        empty: basic(':'),
        'not base64': 'Basic !!!not-base64!!!',
        bearer: `Bearer ${ADDON_PASSWORD}`,
        huge: basic(`byo-s3:${'p'.repeat(6000)}`),
        'SQL in user': basic(`${HOSTILE_STRINGS['SQL quote']}:${ADDON_PASSWORD}`),
      }
      const routes: [InjectOptions['method'], string, unknown][] = [
        ['POST', '/heroku/resources', provisionRequest()],
        ['PUT', `/heroku/resources/${addon.uuid}`, {plan: 'standard'}],
        ['DELETE', `/heroku/resources/${addon.uuid}`, undefined],
      ]
      await expectAllRefused(
        entries(credentials).flatMap(([name, authorization]) =>
          routes.map(([method, url, payload]) => ({
            label: `${method} ${name}`,
            surface: 'api' as const,
            request: {
              method,
              url,
              headers: {
                'content-type': 'application/json',
                ...(authorization ? {authorization} : {}),
              },
              ...(payload ? {payload: JSON.stringify(payload)} : {}),
            },
          })),
        ),
      )
    })

    it('refuses plan changes and deprovisions of an id that is not a uuid', async () => {
      const ids = {...HOSTILE_OR_NOT_UUID, 'over 100 characters': 'a'.repeat(101)}
      await expectAllRefused(
        entries(ids).flatMap(([name, id]) =>
          (['PUT', 'DELETE'] as const).map((method) => ({
            label: `${method} ${name}`,
            surface: 'api' as const,
            request: {
              method,
              url: `/heroku/resources/${pathSegment(id)}`,
              headers: partnerHeaders(),
              ...(method === 'PUT' ? {payload: JSON.stringify({plan: 'standard'})} : {}),
            },
          })),
        ),
      )
    })

    it('refuses a hostile plan for a live add-on and keeps its plan', async () => {
      const plans = {...HOSTILE_STRINGS, ...UNCOERCIBLE}
      const cases = entries(plans).map(([name, plan]) => ({
        label: `plan ${name}`,
        surface: 'api' as const,
        request: {
          method: 'PUT' as const,
          url: `/heroku/resources/${addon.uuid}`,
          headers: partnerHeaders(),
          payload: JSON.stringify({plan}),
        },
      }))
      for (const payload of ['{}', '[]', '{"plan": null}']) {
        cases.push({...cases[0], label: payload, request: {...cases[0].request, payload}})
      }
      await expectAllRefused(cases)
    })

    it('refuses a replayed grant: a refused uuid with a new grant, a used grant for a new uuid', async () => {
      const newUuid = randomUUID()
      await expectAllRefused([
        partnerPost('refused uuid, new grant', {
          ...provisionRequest({uuid: refusedUuid, plan: 'standard'}),
        }),
        partnerPost(
          "another add-on's grant",
          provisionRequest({uuid: newUuid, oauth_grant: {code: addon.grantCode}}),
          newUuid,
        ),
      ])
    })

    it('answers a repeated uuid with its first reply and exchanges no second grant', async () => {
      nock.cleanAll()
      const exchange = nock(HEROKU_ID).post('/oauth/token').reply(200, grantReply)
      const before = await snapshot()

      const response = await partner(
        'POST',
        '/heroku/resources',
        provisionRequest({uuid: addon.uuid, oauth_grant: {code: `grant-${randomUUID()}`}}),
      )

      expect(response.statusCode).to.equal(addon.response.statusCode)
      expect(response.json()).to.deep.equal(addon.response.json())
      expect(exchange.isDone()).to.equal(false)
      expect(await snapshot()).to.deep.equal(before)
    })
  })

  describe('SSO', () => {
    function ssoPost(label: string, form: Record<string, unknown>, type = 'form'): Case {
      const payload =
        type === 'form'
          ? new URLSearchParams(form as Record<string, string>).toString()
          : JSON.stringify(form)
      return {
        label,
        surface: 'page',
        request: {
          method: 'POST',
          url: '/sso/login',
          headers: {
            'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : type,
          },
          payload,
        },
      }
    }

    it('refuses a login form with a hostile, forged or missing field', async () => {
      const valid = signedParams(addon.uuid)
      const cases = entries(HOSTILE_STRINGS).flatMap(([name, value]) =>
        ['resource_id', 'resource_token', 'timestamp'].map((field) =>
          ssoPost(`${field} ${name}`, {...valid, email: 'ada@acme.example', [field]: value}),
        ),
      )
      for (const field of ['resource_id', 'resource_token', 'timestamp']) {
        const {[field as keyof typeof valid]: _left, ...rest} = valid
        cases.push(ssoPost(`without ${field}`, rest))
      }
      cases.push(
        ssoPost('JSON with wrong types', {...valid, timestamp: {$gt: 0}}, 'application/json'),
      )
      cases.push(
        ssoPost('JSON array', [valid] as unknown as Record<string, unknown>, 'application/json'),
      )
      await expectAllRefused(cases)
    })

    it('refuses a validly signed id that is hostile, refused or not a uuid', async () => {
      const ids = {...HOSTILE_OR_NOT_UUID, 'refused add-on': refusedUuid, unknown: randomUUID()}
      await expectAllRefused(
        entries(ids).map(([name, id]) => ssoPost(`signed ${name}`, signedParams(id))),
      )
    })

    it('refuses a token replayed for another add-on, and other content types', async () => {
      const valid = signedParams(addon.uuid)
      await expectAllRefused([
        ssoPost('token of another add-on', {...valid, resource_id: refusedUuid}),
        ssoPost('expired token', signedParams(addon.uuid, String(Date.now() / 1000 - 3600))),
        ssoPost('text', valid, 'text/plain'),
        ssoPost('xml', valid, 'application/xml'),
        ssoPost('over the body limit', {...valid, email: 'x'.repeat(1_100_000)}),
      ])
    })
  })

  describe('add-on API (x-addon-sso)', () => {
    function addonCall(label: string, header: string | undefined, id: string = addon.uuid): Case[] {
      const headers = header === undefined ? {} : {'x-addon-sso': header}
      return [
        {
          label: `GET ${label}`,
          surface: 'api',
          request: {method: 'GET', url: `/addons/${pathSegment(id)}/credentials`, headers},
        },
        {
          label: `rotate ${label}`,
          surface: 'api',
          request: {
            method: 'POST',
            url: `/addons/${pathSegment(id)}/credentials/rotate`,
            headers,
          },
        },
      ]
    }

    it('refuses a hostile, forged or foreign sso header', async () => {
      const valid = signedParams(addon.uuid)
      const cases = entries(HOSTILE_STRINGS).flatMap(([name, value]) => [
        ...addonCall(`resource_token ${name}`, ssoHeader({...valid, resource_token: value})),
        ...addonCall(`timestamp ${name}`, ssoHeader({...valid, timestamp: value})),
        ...(/^[\x20-\x7e]*$/.test(value) ? addonCall(`raw ${name}`, value) : []),
      ])
      cases.push(
        ...addonCall('none', undefined),
        ...addonCall('not JSON', Buffer.from('{params:').toString('base64')),
        ...addonCall('no params', ssoHeader(null as unknown as Record<string, unknown>)),
        ...addonCall('token of another add-on', ssoHeader(signedParams(refusedUuid))),
        ...addonCall('form fields as arrays', ssoHeader({...valid, resource_id: [addon.uuid]})),
      )
      await expectAllRefused(cases)
    })

    it('refuses an add-on id that is hostile or not a uuid, even when signed for it', async () => {
      await expectAllRefused(
        entries(HOSTILE_OR_NOT_UUID)
          .filter(([, id]) => id !== '')
          .flatMap(([name, id]) => addonCall(`id ${name}`, ssoHeader(signedParams(id)), id)),
      )
    })
  })

  describe('admin API', () => {
    const teamRoutes: [InjectOptions['method'], string, unknown?][] = [
      ['GET', 'link'],
      ['PUT', 'link', LINKED_CREDENTIALS],
      ['PATCH', 'link', {allowPublic: false}],
      ['DELETE', 'link'],
      ['POST', 'verify'],
      ['GET', 'doctor'],
      ['POST', 'doctor/fix'],
      ['GET', 'buckets'],
      ['POST', 'role-setup', {}],
    ]

    function teamCall(label: string, team: string, headers: Record<string, string>) {
      return teamRoutes.map(([method, path, body]) => ({
        label: `${method} ${path} ${label}`,
        surface: 'api' as const,
        request: {
          method,
          url: `/admin/teams/${pathSegment(team)}/${path}`,
          headers: {...headers, ...(body ? {'content-type': 'application/json'} : {})},
          ...(body ? {payload: JSON.stringify(body)} : {}),
        },
      }))
    }

    it('refuses every route to a caller without a valid Heroku token', async () => {
      const tokens: Record<string, string | undefined> = {
        none: undefined,
        'empty bearer': 'Bearer ',
        basic: `Basic ${Buffer.from(`u:${USER_TOKEN}`).toString('base64')}`,
        'two tokens': `Bearer ${USER_TOKEN} ${USER_TOKEN}`,
        ...Object.fromEntries(
          entries(HOSTILE_STRINGS)
            .filter(([, value]) => /^[\x21-\x7e]+$/.test(value))
            .map(([name, value]) => [name, `Bearer ${value}`]),
        ),
      }
      const cases = entries(tokens).flatMap(([name, authorization]) => [
        ...teamCall(name, TEAM.name, authorization ? {authorization} : {}),
        {
          label: `links ${name}`,
          surface: 'api' as const,
          request: {
            method: 'GET' as const,
            url: '/admin/links',
            headers: authorization ? {authorization} : {},
          },
        },
      ])
      await expectAllRefused(cases)
    })

    it('refuses every route for a team name that is hostile', async () => {
      await expectAllRefused(
        entries(HOSTILE_STRINGS)
          .filter(([, team]) => team !== '')
          .flatMap(([name, team]) => teamCall(name, team, adminHeaders)),
      )
    })

    const settings: Record<string, (value: unknown) => unknown> = {
      region: (value) => ({region: value}),
      bucketPrefix: (value) => ({bucketPrefix: value}),
      onDeprovision: (value) => ({onDeprovision: value}),
      forbiddenOptions: (value) => ({forbiddenOptions: [value]}),
      'forcedOptions name': (value) => ({forcedOptions: {[String(value)]: 'true'}}),
      'forcedOptions value': (value) => ({forcedOptions: {versioning: value}}),
    }

    it('refuses hostile link settings, whether sent to change them or with a link', async () => {
      const cases = entries(settings).flatMap(([field, body]) =>
        entries({...HOSTILE_STRINGS, ...UNCOERCIBLE}).flatMap(([name, value]) =>
          (['PATCH', 'PUT'] as const).map((method) => ({
            label: `${method} ${field} ${name}`,
            surface: 'api' as const,
            request: {
              method,
              url: `/admin/teams/${TEAM.name}/link`,
              headers: adminHeaders,
              payload: {
                ...(method === 'PUT' ? LINKED_CREDENTIALS : {}),
                ...(body(value) as object),
              },
            },
          })),
        ),
      )
      await expectAllRefused(cases)
    })

    it('refuses hostile credentials and role ARNs for a link', async () => {
      const cases: Case[] = entries({...HOSTILE_STRINGS, ...UNCOERCIBLE}).flatMap(([name, value]) =>
        entries<object>({
          accessKeyId: {...LINKED_CREDENTIALS, accessKeyId: value},
          secretAccessKey: {...LINKED_CREDENTIALS, secretAccessKey: value},
          roleArn: {roleArn: value},
        }).map(([field, payload]) => ({
          label: `${field} ${name}`,
          surface: 'api' as const,
          request: {
            method: 'PUT',
            url: `/admin/teams/${TEAM.name}/link`,
            headers: adminHeaders,
            payload,
          },
        })),
      )
      for (const [label, payload] of entries<unknown>({
        'empty body': {},
        'keys and role': {...LINKED_CREDENTIALS, roleArn: 'arn:aws:iam::111122223333:role/x'},
        'unknown field': {...LINKED_CREDENTIALS, admin: true},
        'PATCH nothing': {},
      })) {
        cases.push({
          label,
          surface: 'api',
          request: {
            method: label.startsWith('PATCH') ? 'PATCH' : 'PUT',
            url: `/admin/teams/${TEAM.name}/link`,
            headers: adminHeaders,
            payload: payload as object,
          },
        })
      }
      cases.push({
        label: 'over the body limit',
        surface: 'api',
        request: {
          method: 'PATCH',
          url: `/admin/teams/${TEAM.name}/link`,
          headers: {...adminHeaders, 'content-type': 'application/json'},
          payload: JSON.stringify({bucketPrefix: 'x'.repeat(1_100_000)}),
        },
      })
      cases.push({
        label: 'text body',
        surface: 'api',
        request: {
          method: 'PATCH',
          url: `/admin/teams/${TEAM.name}/link`,
          headers: {...adminHeaders, 'content-type': 'text/plain'},
          payload: 'allowPublic=true',
        },
      })
      await expectAllRefused(cases)
    })
  })

  // Beyond the tables: bodies fast-check makes up, from a fixed seed so a failure replays.
  describe('generated', () => {
    const runs = {seed: 20_261_204, numRuns: 80}
    const text = fc.oneof(
      fc.string({unit: 'binary'}),
      fc.string({unit: 'grapheme', maxLength: 300}),
    )
    const anything = fc.oneof(text, fc.jsonValue({maxDepth: 3}))

    it('refuses made-up provision requests, recording at most their refusal', async () => {
      const body = fc.record(
        {
          name: anything,
          plan: anything,
          region: anything,
          options: fc.oneof(fc.dictionary(text, anything, {maxKeys: 4}), anything),
          oauth_grant: fc.oneof(fc.record({code: text}), anything),
          callback_url: anything,
        },
        {requiredKeys: []},
      )
      await fc.assert(
        fc.asyncProperty(body, async (fields) => {
          const uuid = randomUUID()
          expect(await check(partnerPost('generated', {...fields, uuid}, uuid))).to.deep.equal([])
        }),
        runs,
      )
    })

    it('refuses made-up sign-in forms and sso headers', async () => {
      const field = fc.oneof(
        fc.constantFrom('resource_id', 'resource_token', 'timestamp', 'email', 'user_id', 'app'),
        text,
      )
      const form = fc.dictionary(field, text, {maxKeys: 7})
      await fc.assert(
        fc.asyncProperty(form, async (params) => {
          const login: Case = {
            label: 'generated form',
            surface: 'page',
            request: {
              method: 'POST',
              url: '/sso/login',
              headers: {'content-type': 'application/x-www-form-urlencoded'},
              payload: new URLSearchParams(params).toString(),
            },
          }
          const header: Case = {
            label: 'generated header',
            surface: 'api',
            request: {
              method: 'POST',
              url: `/addons/${addon.uuid}/credentials/rotate`,
              headers: {'x-addon-sso': ssoHeader(params)},
            },
          }
          expect([...(await check(login)), ...(await check(header))]).to.deep.equal([])
        }),
        runs,
      )
    })
  })

  describe('in all', () => {
    it('sent over 200 hostile requests', () => {
      expect(sent).to.be.greaterThan(200)
    })
  })
})
