import {readFileSync} from 'node:fs'
import {expect} from 'chai'
import {configVarsFor} from '../src/provisioning/config-vars.js'

const manifest = JSON.parse(
  readFileSync(new URL('../../../addon-manifest.json', import.meta.url), 'utf8'),
)
const knownRegions = ['us', 'eu', 'frankfurt', 'oregon', 'tokyo', 'virginia', '*']

describe('addon-manifest.json', () => {
  it('names the add-on byo-s3 and speaks Partner API v3', () => {
    expect(manifest.id).to.equal('byo-s3')
    expect(manifest.api.version).to.equal('3')
    expect(manifest.api).not.to.have.property('username')
  })

  it('holds a password and an SSO salt that are placeholders, never real secrets', () => {
    expect(manifest.api.password).to.match(/^REPLACE_WITH_/)
    expect(manifest.api.sso_salt).to.match(/^REPLACE_WITH_/)
  })

  it('lists only known regions, including us', () => {
    expect(manifest.api.regions).to.include('us')
    for (const region of manifest.api.regions) expect(knownRegions).to.include(region)
  })

  it('points production at https and a local broker at port 5000', () => {
    expect(manifest.api.production.base_url).to.match(/^https:\/\/.+\/heroku\/resources$/)
    expect(manifest.api.production.sso_url).to.match(/^https:\/\//)
    expect(manifest.api.test.base_url).to.equal('http://localhost:5000/heroku/resources')
    expect(manifest.api.test.sso_url).to.equal('http://localhost:5000/sso/login')
  })

  it('declares exactly the config vars the broker sets, each with the BYO_S3 prefix', () => {
    const sent = Object.keys(
      configVarsFor({bucketName: 'b', region: 'r', accessKeyId: 'k', secretAccessKey: 's'}),
    )

    expect(manifest.api.config_vars_prefix).to.equal('BYO_S3')
    expect([...manifest.api.config_vars].sort()).to.deep.equal(sent.sort())
    for (const name of manifest.api.config_vars) expect(name).to.match(/^BYO_S3_[0-9A-Z_]+$/)
  })
})
