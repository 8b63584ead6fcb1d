import {createHash} from 'node:crypto'
import {expect} from 'chai'
import {BrokerError} from '../../src/errors.js'
import {ssoToken, verifySso} from '../../src/sso/token.js'

const SALT = 'sso-salt-0123456789abcdef'
const ADDON = '01234567-89ab-4def-8123-456789abcdef'
const NOW = 1_764_780_000

function form(overrides: Record<string, unknown> = {}, timestamp: number | string = NOW) {
  return {
    resource_id: ADDON,
    resource_token: ssoToken(ADDON, SALT, String(timestamp)),
    timestamp: String(timestamp),
    email: 'ada@acme.example',
    user_id: '2d8e4f6a-1b3c-4d5e-9f70-81a2b3c4d5e6',
    ...overrides,
  }
}

function refusal(call: () => unknown): BrokerError {
  try {
    call()
  } catch (error) {
    expect(error).to.be.instanceOf(BrokerError)
    return error as BrokerError
  }

  throw new Error('expected the SSO check to refuse')
}

describe('verifySso', () => {
  it('signs with the lower-case hex SHA-1 of id:salt:timestamp, as Heroku does', () => {
    const expected = createHash('sha1').update(`${ADDON}:${SALT}:${NOW}`).digest('hex')
    expect(ssoToken(ADDON, SALT, String(NOW))).to.equal(expected)
  })

  it('accepts a valid form and says which add-on and user it is for', () => {
    expect(verifySso(form(), SALT, NOW)).to.deep.equal({
      resourceId: ADDON,
      email: 'ada@acme.example',
      userId: '2d8e4f6a-1b3c-4d5e-9f70-81a2b3c4d5e6',
    })
  })

  it('accepts a token in upper-case hex and a numeric timestamp', () => {
    const valid = form()
    expect(
      verifySso(
        {...valid, resource_token: valid.resource_token.toUpperCase(), timestamp: NOW},
        SALT,
        NOW,
      ).resourceId,
    ).to.equal(ADDON)
  })

  it('accepts a token up to 5 minutes old and up to a minute ahead of the clock', () => {
    expect(() => verifySso(form({}, NOW - 300), SALT, NOW)).not.to.throw()
    expect(() => verifySso(form({}, NOW + 60), SALT, NOW)).not.to.throw()
  })

  it('refuses a token 6 minutes old', () => {
    expect(refusal(() => verifySso(form({}, NOW - 360), SALT, NOW)).status).to.equal(403)
  })

  it('refuses a timestamp more than a minute in the future', () => {
    expect(refusal(() => verifySso(form({}, NOW + 61), SALT, NOW)).status).to.equal(403)
  })

  it('refuses a token made with another salt', () => {
    const forged = form({resource_token: ssoToken(ADDON, 'another-salt-0123456789', String(NOW))})
    expect(refusal(() => verifySso(forged, SALT, NOW)).status).to.equal(403)
  })

  it('refuses a valid token presented for another add-on', () => {
    const other = '11111111-2222-4333-8444-555555555555'
    expect(refusal(() => verifySso(form({resource_id: other}), SALT, NOW)).status).to.equal(403)
  })

  it('refuses a token whose timestamp was changed after signing', () => {
    const valid = form()
    const moved = {...valid, timestamp: String(NOW - 1)}
    expect(refusal(() => verifySso(moved, SALT, NOW)).status).to.equal(403)
  })

  it('refuses missing, malformed and wrongly typed fields', () => {
    const cases = [
      form({resource_id: undefined}),
      form({resource_token: undefined}),
      form({timestamp: undefined}),
      form({timestamp: '1764780000.5'}),
      form({timestamp: '-1'}),
      form({resource_token: ['a', 'b']}),
      form({resource_token: ''}),
      form({resource_token: form().resource_token.slice(0, 39)}),
      {},
    ]
    for (const params of cases) {
      expect(refusal(() => verifySso(params, SALT, NOW)).status).to.equal(403)
    }
  })

  it('gives every failure the same id and message, so none tells what was wrong', () => {
    const failures = [
      form({}, NOW - 360),
      form({resource_token: 'f'.repeat(40)}),
      form({timestamp: 'soon'}),
    ].map((params) => refusal(() => verifySso(params, SALT, NOW)))

    for (const failure of failures) {
      expect([failure.id, failure.message]).to.deep.equal([failures[0].id, failures[0].message])
    }
    expect(failures[0].message).to.match(/Open the add-on again from Heroku/)
  })

  it('leaves out an email or user id that is not a string', () => {
    const result = verifySso(form({email: ['a'], user_id: 7}), SALT, NOW)
    expect([result.email, result.userId]).to.deep.equal([null, null])
  })
})
