import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {queryError, s3Error} from '../helpers/aws-xml.js'
import {linkAcme, provisionForAcme} from '../helpers/slice.js'

describe('Partner API: when AWS refuses', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('removes the bucket and user it made and answers 422 with AWS’s reason', async () => {
    const {response, post, s3, users} = await provisionForAcme(broker, {
      iamOverrides: {
        PutUserPolicy: () => ({
          status: 403,
          body: queryError('AccessDenied', 'not allowed: iam:PutUserPolicy'),
        }),
      },
    })

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.match(
      /refused to create the bucket \(AccessDenied\)\. Nothing was left behind/,
    )
    expect(users.size, 'IAM users left').to.equal(0)
    const bucketDeleted = s3.some(
      (call) => call.method === 'DELETE' && call.path === '/' && ![...call.query.keys()].length,
    )
    expect(bucketDeleted).to.equal(true)
    const again = await post()
    expect([again.statusCode, again.json()]).to.deep.equal([422, response.json()])
  })

  it('never deletes a bucket whose name another account owns', async () => {
    const {response, s3} = await provisionForAcme(broker, {
      s3Override: (call) =>
        call.method === 'PUT' ? [409, s3Error('BucketAlreadyExists')] : undefined,
    })

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('Another AWS account owns the bucket name')
    expect(s3.filter((call) => call.method !== 'PUT')).to.deep.equal([])
  })
})
