import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {herokuFindsApp, provisionRequest, TEAM} from '../helpers/heroku.js'

describe('Partner API: requests it refuses', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
  })

  after(() => broker.app.close())

  const post = (payload: unknown, authorization = broker.partnerAuth) =>
    broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {authorization, accept: 'application/vnd.heroku-addons+json; version=3'},
      payload: payload as object,
    })

  it('answers 401 to wrong Basic credentials on every route', async () => {
    const wrongPassword = 'Basic ' + Buffer.from('byo-s3:wrong').toString('base64')
    const wrongUser =
      'Basic ' + Buffer.from(`wrong:${'partner-password-0123456789abcdef'}`).toString('base64')
    const id = randomUUID()

    expect((await post(provisionRequest(), wrongPassword)).statusCode).to.equal(401)
    expect((await post(provisionRequest(), wrongUser)).statusCode).to.equal(401)
    expect((await post(provisionRequest(), 'Bearer x')).statusCode).to.equal(401)
    const put = await broker.app.inject({
      method: 'PUT',
      url: `/heroku/resources/${id}`,
      payload: {plan: 'x'},
    })
    const del = await broker.app.inject({method: 'DELETE', url: `/heroku/resources/${id}`})
    expect([put.statusCode, del.statusCode]).to.deep.equal([401, 401])
  })

  it('answers 400 to malformed JSON', async () => {
    const response = await broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
      payload: '{"uuid": ',
    })

    expect(response.statusCode).to.equal(400)
    expect(response.json()).to.deep.equal({
      id: 'invalid_json',
      message: 'The request body is not valid JSON. Send a JSON object.',
    })
  })

  it('answers 415 under an id of its own to a body that is not JSON', async () => {
    const response = await broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {authorization: broker.partnerAuth, 'content-type': 'application/xml'},
      payload: '<uuid/>',
    })

    expect(response.statusCode).to.equal(415)
    expect(response.json()).to.deep.equal({
      id: 'unsupported_media_type',
      message: 'The broker does not take a request body of this Content-Type.',
    })
  })

  it('refuses a NUL character anywhere in the body with 422, storing nothing', async () => {
    const hostile = [
      provisionRequest({name: 'evil\u0000name'}),
      provisionRequest({plan: 'standard\u0000'}),
      provisionRequest({options: {'\u0000versioning': 'true'}}),
      provisionRequest({options: {versioning: 'tr\u0000ue'}}),
    ]

    const replies = []
    for (const payload of hostile) replies.push(await post(payload))

    expect(replies.map((reply) => reply.statusCode)).to.deep.equal([422, 422, 422, 422])
    expect(replies[0].json()).to.deep.equal({
      id: 'nul_character',
      message:
        'The request holds a NUL character (\\u0000), which byo-s3 does not accept in any value or name.',
    })
    const ids = hostile.map((payload) => payload.uuid)
    const {rows} = await broker.app.services.pool.query(
      'select id from resources where id = any($1)',
      [ids],
    )
    expect(rows).to.deep.equal([])
  })

  it('answers 422 when the request has no uuid', async () => {
    const response = await post({plan: 'standard'})

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('uuid')
  })

  it('answers 422 to an app without a team, naming the requirement', async () => {
    const request = provisionRequest()
    const heroku = herokuFindsApp(request.uuid, request.oauth_grant.code, {
      id: randomUUID(),
      name: 'personal-app',
      team: null,
    })

    const response = await post(request)

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('personal-app is a personal app')
    heroku.id.done()
    heroku.api.done()
  })

  it('answers 422 to a team without a link, naming the command an admin must run', async () => {
    const request = provisionRequest()
    const heroku = herokuFindsApp(request.uuid, request.oauth_grant.code, {
      id: randomUUID(),
      name: 'shop',
      team: TEAM,
    })

    const response = await post(request)

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('heroku byo-s3:link --team acme')
    heroku.api.done()
  })

  it('replays the same 422 to a repeated request without asking Heroku again', async () => {
    const request = provisionRequest()
    herokuFindsApp(request.uuid, request.oauth_grant.code, {
      id: randomUUID(),
      name: 'solo',
      team: null,
    })
    const first = await post(request)

    const second = await post(request)

    expect(second.statusCode).to.equal(422)
    expect(second.json()).to.deep.equal(first.json())
  })

  it('answers 422 when Heroku sends no OAuth grant', async () => {
    const response = await post(provisionRequest({oauth_grant: null}))

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('OAuth grant')
  })

  it('answers 204 to a DELETE with a JSON content type and an empty body, twice', async () => {
    const request = {
      method: 'DELETE' as const,
      url: `/heroku/resources/${randomUUID()}`,
      headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
    }

    expect((await broker.app.inject(request)).statusCode).to.equal(204)
    expect((await broker.app.inject(request)).statusCode).to.equal(204)
  })

  it('answers 410 to a provision for a uuid that was deprovisioned', async () => {
    const request = provisionRequest()
    await broker.app.inject({
      method: 'DELETE',
      url: `/heroku/resources/${request.uuid}`,
      headers: {authorization: broker.partnerAuth},
    })

    const response = await post(request)

    expect(response.statusCode).to.equal(410)
  })

  it('accepts the vendor JSON media type as a content type', async () => {
    const response = await broker.app.inject({
      method: 'POST',
      url: '/heroku/resources',
      headers: {
        authorization: broker.partnerAuth,
        'content-type': 'application/vnd.heroku-addons+json; version=3',
      },
      payload: JSON.stringify(provisionRequest({oauth_grant: null})),
    })

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('OAuth grant')
  })
})
