import {expect} from 'chai'
import {ConfigError, loadConfig} from '../../src/config/config.js'
import {generateKey} from '../../src/crypto/fernet-token.js'

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://broker@db.internal:5432/byo_s3',
  ADDON_PASSWORD: 'a-long-partner-password-value',
  SSO_SALT: 'a-long-sso-salt-value-here',
  OAUTH_CLIENT_SECRET: 'oauth-client-secret',
  FERNET_KEYS: generateKey(),
}

describe('configuration: ROTATION_OVERLAP_MINUTES', () => {
  it('keeps a rotated-out key for an hour by default', () => {
    expect(loadConfig(production).rotationOverlapMinutes).to.equal(60)
  })

  it('takes the overlap in minutes, fractions included', () => {
    expect(
      loadConfig({...production, ROTATION_OVERLAP_MINUTES: '120'}).rotationOverlapMinutes,
    ).to.equal(120)
    expect(
      loadConfig({...production, ROTATION_OVERLAP_MINUTES: '0.5'}).rotationOverlapMinutes,
    ).to.equal(0.5)
  })

  for (const value of ['0', '-5', 'an hour', '20000']) {
    it(`refuses ${JSON.stringify(value)}, naming the variable`, () => {
      const load = () => loadConfig({...production, ROTATION_OVERLAP_MINUTES: value})

      expect(load).to.throw(ConfigError, /ROTATION_OVERLAP_MINUTES/)
    })
  }
})
