import {mkdtempSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'

// s3rver knows one hard-coded key pair; a key of our own lets the tests look for the secret in
// pages and logs, where S3RVER/S3RVER would also match the access key id.
const {DUMMY_ACCOUNT} = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: {createKeyPair(id: string, secret: string): void}
}
export const ACCESS_KEY_ID = 'AKIAFILEDROPTEST0001'
export const SECRET_ACCESS_KEY = 'fd-secret-0c4f1a9e7b2d4e6f8a1c3e5b7d9f2a4c6e8b0d1f'
DUMMY_ACCOUNT.createKeyPair(ACCESS_KEY_ID, SECRET_ACCESS_KEY)

export const BUCKET = 'byo-s3-file-drop-test-x7k2q9'

export interface S3Server {
  endpoint: string
  close(): Promise<void>
}

/** s3rver on a loopback port, with files in a temporary folder and one empty bucket. */
export async function startS3Server(): Promise<S3Server> {
  const directory = mkdtempSync(path.join(tmpdir(), 'file-drop-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{name: BUCKET, configs: []}],
  })
  const {port} = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      await server.close()
      rmSync(directory, {recursive: true, force: true})
    },
  }
}

/** The add-on's four config vars for that bucket, plus the S3-compatible endpoint. */
export function addonEnv(server: S3Server, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    BYO_S3_BUCKET_NAME: BUCKET,
    BYO_S3_AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    BYO_S3_AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    BYO_S3_AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_S3: server.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    ...overrides,
  }
}
