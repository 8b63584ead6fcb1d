import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {ConfigError, loadConfig} from '../../src/config/config.js'
import {localSecretsIn} from '../../src/config/local-secrets.js'
import {generateKey} from '../../src/crypto/fernet-token.js'

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://broker@db.internal:5432/byo_s3',
  ADDON_PASSWORD: 'a-long-partner-password-value',
  SSO_SALT: 'a-long-sso-salt-value-here',
  OAUTH_CLIENT_SECRET: 'oauth-client-secret',
  FERNET_KEYS: `${generateKey()},${generateKey()}`,
}

function errorOf(load: () => unknown): ConfigError {
  try {
    load()
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError)
    return error as ConfigError
  }

  throw new Error('expected a ConfigError')
}

describe('configuration', () => {
  const folders: string[] = []
  const tempFolder = () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'byo-s3-config-'))
    folders.push(folder)
    return folder
  }

  after(() => {
    for (const folder of folders) rmSync(folder, {recursive: true, force: true})
  })

  it('applies the documented defaults', () => {
    const config = loadConfig(production)

    expect(config).to.deep.include({
      production: true,
      port: 5000,
      addonId: 'byo-s3',
      herokuApiUrl: 'https://api.heroku.com',
      herokuIdUrl: 'https://id.heroku.com',
      logLevel: 'info',
    })
    expect(config.aws).to.deep.equal({
      endpoints: {s3: undefined, iam: undefined, sts: undefined},
      forcePathStyle: false,
      brokerPrincipalArn: undefined,
    })
  })

  it('takes the broker’s principal for trust policies, and refuses what is not one', () => {
    const arn = 'arn:aws:iam::444455556666:role/service/byo-s3-broker'

    expect(
      loadConfig({...production, BROKER_AWS_PRINCIPAL_ARN: arn}).aws.brokerPrincipalArn,
    ).to.equal(arn)
    const error = errorOf(() =>
      loadConfig({
        ...production,
        BROKER_AWS_PRINCIPAL_ARN: 'arn:aws:sts::444455556666:assumed-role/x/y',
      }),
    )
    expect(error.message).to.contain('BROKER_AWS_PRINCIPAL_ARN must match pattern')
  })

  it('names every missing production secret at once', () => {
    const error = errorOf(() => loadConfig({NODE_ENV: 'production'}))

    for (const name of [
      'DATABASE_URL',
      'ADDON_PASSWORD',
      'SSO_SALT',
      'OAUTH_CLIENT_SECRET',
      'FERNET_KEYS',
    ]) {
      expect(error.message).to.contain(`${name} is required when NODE_ENV=production`)
    }
  })

  it('names each invalid variable with the reason', () => {
    const error = errorOf(() =>
      loadConfig({...production, PORT: 'eighty', LOG_LEVEL: 'loud', HEROKU_API_URL: 'ftp://x'}),
    )

    expect(error.message).to.match(/PORT must be integer/)
    expect(error.message).to.match(/LOG_LEVEL must be equal to one of the allowed values/)
    expect(error.message).to.match(/HEROKU_API_URL must match pattern/)
  })

  it('refuses a malformed Fernet key without echoing it', () => {
    const error = errorOf(() => loadConfig({...production, FERNET_KEYS: 'x'.repeat(50)}))

    expect(error.message).to.contain('FERNET_KEYS: Fernet key 1 is not 32 bytes')
    expect(error.message).not.to.contain('x'.repeat(50))
  })

  it('prefers service endpoints over AWS_ENDPOINT_URL and reads S3_FORCE_PATH_STYLE', () => {
    const config = loadConfig({
      ...production,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
    })

    expect(config.aws).to.deep.equal({
      endpoints: {
        s3: 'http://127.0.0.1:9000',
        iam: 'http://127.0.0.1:4566',
        sts: 'http://127.0.0.1:4566',
      },
      forcePathStyle: true,
      brokerPrincipalArn: undefined,
    })
  })

  it('keeps metrics off without METRICS_TOKEN, and takes a long enough one', () => {
    expect(loadConfig(production).metricsToken).to.equal(undefined)
    expect(loadConfig({...production, METRICS_TOKEN: ''}).metricsToken).to.equal(undefined)

    const token = 'a-metrics-token-of-some-length'
    expect(loadConfig({...production, METRICS_TOKEN: token}).metricsToken).to.equal(token)
  })

  it('turns the admin page on with both of its OAuth client settings, and refuses one alone', () => {
    expect(loadConfig(production).adminOAuth).to.equal(undefined)
    const client = {ADMIN_OAUTH_CLIENT_ID: 'client-id', ADMIN_OAUTH_CLIENT_SECRET: 'client-secret'}
    expect(loadConfig({...production, ...client}).adminOAuth).to.deep.equal({
      clientId: 'client-id',
      clientSecret: 'client-secret',
    })

    const error = errorOf(() => loadConfig({...production, ADMIN_OAUTH_CLIENT_ID: 'client-id'}))
    expect(error.message).to.contain('ADMIN_OAUTH_CLIENT_ID and ADMIN_OAUTH_CLIENT_SECRET')
  })

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    const error = errorOf(() => loadConfig({...production, METRICS_TOKEN: 'short'}))

    expect(error.message).to.contain('METRICS_TOKEN')
  })

  it('generates local secrets once, keeps them private, and reuses them', () => {
    const dataDir = path.join(tempFolder(), '.data')
    const announced: string[] = []
    const secrets = localSecretsIn(dataDir, (file) => announced.push(file))

    const first = loadConfig({}, secrets)
    const second = loadConfig({}, secrets)

    expect(first.production).to.equal(false)
    expect(first.databaseUrl).to.equal(undefined)
    expect(second.addonPassword).to.equal(first.addonPassword)
    expect(second.keyRing.unseal(first.keyRing.seal('kept'))).to.equal('kept')
    expect(announced).to.have.length(1)
    const file = path.join(dataDir, 'local-secrets.json')
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8')).ADDON_PASSWORD).to.equal(first.addonPassword)
  })

  it('lets a set variable win over a generated local secret', () => {
    const dataDir = tempFolder()

    const config = loadConfig(
      {ADDON_PASSWORD: 'chosen-password-123456'},
      localSecretsIn(dataDir, () => {}),
    )

    expect(config.addonPassword).to.equal('chosen-password-123456')
  })
})
