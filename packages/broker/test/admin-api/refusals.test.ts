import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {USER_TOKEN} from '../helpers/heroku.js'

describe('Admin API: addresses it refuses', () => {
  let broker: TestBroker
  const auth = {authorization: `Bearer ${USER_TOKEN}`}

  before(async () => {
    broker = await startTestBroker()
  })

  after(() => broker.app.close())

  it('answers 414 with its own id and a sentence to a team name over 100 characters', async () => {
    const response = await broker.app.inject({
      method: 'GET',
      url: `/admin/teams/${'a'.repeat(101)}/link`,
      headers: auth,
    })

    expect(response.statusCode).to.equal(414)
    expect(response.json()).to.deep.equal({
      id: 'uri_too_long',
      message:
        'A name or id in the request address is longer than 100 characters. Check it and try again.',
    })
  })

  it('answers 400 with its own id to an address that is not valid percent-encoding', async () => {
    const response = await broker.app.inject({
      method: 'GET',
      url: '/admin/teams/%E0%A4%A/link',
      headers: auth,
    })

    expect(response.statusCode).to.equal(400)
    expect(response.json()).to.deep.equal({
      id: 'invalid_url',
      message: 'The request address is not a valid URL. Check its percent-encoding.',
    })
  })
})
