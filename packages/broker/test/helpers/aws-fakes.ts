import nock from 'nock'

import {auditSecret} from './log-audit.js'
import {createAwsClients, type AwsClients, type AwsSettings} from '../../src/aws/clients.js'

export const IAM_URL = 'https://iam.amazonaws.com'
export const STS_URL = 'https://sts.us-east-1.amazonaws.com'

export const LINKED_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: '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',
}
auditSecret('linked secretAccessKey', LINKED_CREDENTIALS.secretAccessKey)

export const ACCOUNT_ID = '111122223333'

export function s3BucketUrl(bucketName: string, region: string): string {
  return `https://${bucketName}.s3.${region}.amazonaws.com`
}

/** Clients against the real AWS host names, with retries off so a failure shows at once. */
export function testClients(settings: Partial<AwsSettings> = {}): AwsClients {
  return createAwsClients({endpoints: {}, forcePathStyle: false, maxAttempts: 1, ...settings})
}

export interface FakeReply {
  status?: number
  body?: string
  headers?: Record<string, string>
}

export interface S3Request {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string>
  body: string
}

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD']

/**
 * Answers every request to one S3 host through `answer` and records them in order, so a test can
 * assert the whole conversation afterwards.
 */
export function fakeS3(baseUrl: string, answer: (request: S3Request) => FakeReply): S3Request[] {
  const requests: S3Request[] = []
  const scope = nock(baseUrl).persist()
  for (const method of METHODS) {
    scope
      .intercept(() => true, method)
      .reply(function (uri, body) {
        const url = new URL(uri, baseUrl)
        const request = {
          method,
          path: url.pathname,
          query: url.searchParams,
          headers: this.req.headers,
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }
        requests.push(request)
        return toResult(answer(request))
      })
  }

  return requests
}

/** The same for awsQuery services (IAM, STS): records each form body as a plain object. */
export function fakeQueryApi(
  baseUrl: string,
  answer: (params: Record<string, string>) => FakeReply,
): Record<string, string>[] {
  const calls: Record<string, string>[] = []
  nock(baseUrl)
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const params = Object.fromEntries(new URLSearchParams(String(body)))
      calls.push(params)
      return toResult(answer(params))
    })
  return calls
}

export function toResult({status = 200, body = '', headers = {}}: FakeReply) {
  return [status, body, {'content-type': 'application/xml', ...headers}] as const
}
