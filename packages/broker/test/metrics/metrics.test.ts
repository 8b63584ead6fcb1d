import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import nock from 'nock'
import {generateKey} from '../../src/crypto/fernet-token.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {queryError, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {herokuKnowsUser, TEAM, USER_TOKEN} from '../helpers/heroku.js'
import {herokuAcceptsConfig, linkAcme, provisionForAcme, stateOf} from '../helpers/slice.js'

const METRICS_TOKEN = 'metrics-token-7f3a9c2e5b1d8f4a'

function scrape(broker: TestBroker, authorization?: string) {
  return broker.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: authorization ? {authorization} : {},
  })
}

async function metricsOf(broker: TestBroker): Promise<string> {
  const reply = await scrape(broker, `Bearer ${METRICS_TOKEN}`)
  expect(reply.statusCode).to.equal(200)
  expect(reply.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/)
  return reply.body
}

/** The value of one sample, by its name and labels, whatever order Prometheus prints them in. */
function sample(metrics: string, series: string): number | undefined {
  const key = (text: string) => {
    const [, name, labels = ''] = /^([^{ ]+)(?:\{(.*)\})?$/.exec(text)!
    return `${name}{${labels.split(',').filter(Boolean).sort().join(',')}}`
  }

  const wanted = key(series)
  const line = metrics
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .find((l) => key(l.slice(0, l.lastIndexOf(' '))) === wanted)
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('metrics', () => {
  describe('with METRICS_TOKEN unset', () => {
    let broker: TestBroker

    before(async () => {
      broker = await startTestBroker()
    })

    after(() => broker.app.close())

    it('answers 404: metrics are off', async () => {
      const reply = await scrape(broker, `Bearer ${METRICS_TOKEN}`)

      expect(reply.statusCode).to.equal(404)
      expect(reply.json()).to.include({id: 'not_found'})
    })
  })

  describe('with METRICS_TOKEN set', () => {
    let broker: TestBroker

    before(async () => {
      broker = await startTestBroker({METRICS_TOKEN, LOG_LEVEL: 'trace'})
    })

    after(() => broker.app.close())

    it('refuses a scrape without a token, with the usual error body and a Bearer challenge', async () => {
      const reply = await scrape(broker)

      expect(reply.statusCode).to.equal(401)
      expect(reply.headers['www-authenticate']).to.equal('Bearer')
      expect(reply.json()).to.have.all.keys('id', 'message')
      expect(reply.json().id).to.equal('unauthorized')
      expect(reply.json().message).to.contain('METRICS_TOKEN')
    })

    it('refuses a wrong token, one of another scheme, and a prefix of the right one', async () => {
      for (const authorization of [
        'Bearer wrong-token-0123456789abcdef',
        `Basic ${METRICS_TOKEN}`,
        `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
      ]) {
        const reply = await scrape(broker, authorization)

        expect(reply.statusCode, authorization).to.equal(401)
        expect(reply.headers['www-authenticate']).to.equal('Bearer')
        expect(reply.json().id).to.equal('unauthorized')
      }
    })

    it('measures request latency by route pattern, never by the raw address', async () => {
      const addonId = randomUUID()
      await broker.app.inject({method: 'GET', url: '/healthz'})
      await broker.app.inject({
        method: 'DELETE',
        url: `/heroku/resources/${addonId}`,
        headers: {authorization: broker.partnerAuth, 'content-type': 'application/json'},
      })

      const metrics = await metricsOf(broker)

      expect(metrics).to.contain('# TYPE byo_s3_http_request_duration_seconds histogram')
      expect(
        sample(
          metrics,
          'byo_s3_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"}',
        ),
      ).to.equal(1)
      expect(metrics).to.contain('route="/heroku/resources/:id",status_code="204"')
      expect(metrics).not.to.contain(addonId)
      expect(metrics).not.to.contain('byo_s3_http_request_summary_seconds')
    })

    it('counts AWS calls and their errors by service, operation and error code', async () => {
      expect((await linkAcme(broker)).statusCode).to.equal(200)
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

      const metrics = await metricsOf(broker)

      const sts = 'service="sts",operation="GetCallerIdentity"'
      expect(sample(metrics, `byo_s3_aws_calls_total{${sts}}`)).to.equal(2)
      expect(
        sample(metrics, `byo_s3_aws_errors_total{${sts},error="InvalidClientTokenId"}`),
      ).to.equal(1)
      expect(sample(metrics, `byo_s3_aws_call_duration_seconds_count{${sts}}`)).to.equal(2)
      expect(sample(metrics, `byo_s3_aws_call_duration_seconds_bucket{${sts},le="+Inf"}`)).to.equal(
        2,
      )
      // Every bucket is reported, the ones no call fell in too.
      for (const le of ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30']) {
        const series = `byo_s3_aws_call_duration_seconds_bucket{${sts},le="${le}"}`
        expect(sample(metrics, series), le).to.be.within(0, 2)
      }
    })

    it('reports the process: memory and event loop', async () => {
      const metrics = await metricsOf(broker)

      expect(sample(metrics, 'byo_s3_process_resident_memory_bytes')).to.be.greaterThan(0)
      expect(metrics).to.contain('# TYPE byo_s3_nodejs_eventloop_lag_seconds gauge')
    })

    it('never logs the token', async () => {
      await scrape(broker, `Bearer ${METRICS_TOKEN}`)
      await scrape(broker, `Bearer ${METRICS_TOKEN}x`)
      await broker.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: {authorization: `Bearer ${METRICS_TOKEN}`},
      })

      expect(broker.logLines.length).to.be.greaterThan(5)
      expect(broker.logLines.join('\n')).not.to.contain(METRICS_TOKEN)
    })
  })

  describe('on a web and a worker process of one broker', () => {
    const FERNET_KEYS = generateKey()
    let web: TestBroker
    let worker: TestBroker
    let uuid: string

    before(async function () {
      this.timeout(60_000)
      web = await startTestBroker({METRICS_TOKEN, FERNET_KEYS})
      worker = await startTestBroker(
        {METRICS_TOKEN, FERNET_KEYS},
        {workers: true, databaseUrl: web.databaseUrl},
      )
      expect((await linkAcme(web)).statusCode).to.equal(200)
      const provisioned = await provisionForAcme(web)
      uuid = provisioned.uuid
      expect(provisioned.response.statusCode).to.equal(202)
      herokuAcceptsConfig(uuid)
      await waitFor(async () => (await stateOf(web, uuid)).state === 'provisioned')
      // A stopping worker saves what it counted.
      await worker.app.close()
    })

    after(() => web.app.close())

    it('reports on the web the jobs and AWS calls the worker ran', async () => {
      const metrics = await metricsOf(web)

      expect(sample(metrics, 'byo_s3_jobs{queue="provision",state="completed"}')).to.equal(1)
      expect(sample(metrics, 'byo_s3_jobs{queue="provision",state="active"}')).to.equal(0)
      expect(sample(metrics, 'byo_s3_jobs{queue="deprovision",state="created"}')).to.equal(0)
      expect(
        sample(metrics, 'byo_s3_job_duration_seconds_count{queue="provision",outcome="completed"}'),
      ).to.equal(1)
      expect(
        sample(metrics, 'byo_s3_aws_calls_total{service="s3",operation="CreateBucket"}'),
      ).to.equal(1)
      expect(
        sample(metrics, 'byo_s3_aws_calls_total{service="iam",operation="CreateUser"}'),
      ).to.equal(1)
      // The link's check ran on the web.
      expect(
        sample(metrics, 'byo_s3_aws_calls_total{service="sts",operation="GetCallerIdentity"}'),
      ).to.be.at.least(1)
    })

    it('logs the provision request with its add-on and team', () => {
      const completed = web.logLines
        .map((line) => JSON.parse(line))
        .find((line) => line.msg === 'request completed' && line.addonId === uuid)

      expect(completed).to.include({addonId: uuid, teamId: TEAM.id})
    })

    it('logs the provision job with its job id, add-on and team', () => {
      const lines = worker.logLines.map((line) => JSON.parse(line))
      const started = lines.find((line) => line.msg === 'job started' && line.addonId === uuid)
      const finished = lines.find((line) => line.msg === 'job finished' && line.addonId === uuid)

      expect(started).to.include({queue: 'provision', addonId: uuid, teamId: TEAM.id})
      expect(started.jobId).to.be.a('string')
      expect(finished).to.include({jobId: started.jobId, teamId: TEAM.id})
    })

    it('never logs the token', () => {
      expect(web.logLines.join('\n') + worker.logLines.join('\n')).not.to.contain(METRICS_TOKEN)
    })
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  throw new Error(`condition not met within ${timeoutMs} ms`)
}
