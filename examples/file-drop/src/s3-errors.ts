import {FIX_COMMAND} from './config.js'

/** What went wrong with S3, in words for the page, with the HTTP status the page is sent with. */
export interface Problem {
  status: number
  /** S3's own error code (or the network error's), shown beside the words and logged. */
  code: string
  message: string
}

interface ErrorLike {
  name?: string
  code?: string
  message?: string
  $metadata?: {httpStatusCode?: number}
}

/**
 * Turns an error from the AWS SDK into a sentence that says what happened and what to do. Only
 * the code and a message of our own go out: an SDK error can carry the request, and with it the
 * signed headers, so it is never logged or rendered whole.
 */
export function describeS3Error(error: unknown, context: {bucket: string; key?: string}): Problem {
  const {name, code: networkCode, $metadata} = (error ?? {}) as ErrorLike
  const httpStatus = $metadata?.httpStatusCode
  const code = name && name !== 'Error' ? name : (networkCode ?? 'UnknownError')
  const {bucket, key} = context

  switch (code) {
    case 'NoSuchBucket':
      return {
        status: 502,
        code,
        message:
          `The bucket ${bucket} does not exist. If the add-on was destroyed or is still being ` +
          `created, check \`heroku addons\`; to get a new bucket, run \`${FIX_COMMAND}\`.`,
      }
    case 'NoSuchKey':
    case 'NotFound':
      return {
        status: 404,
        code: 'NoSuchKey',
        message: `There is no file ${key ?? ''} in the bucket: it may just have been deleted.`,
      }
    case 'AccessDenied':
    case 'Forbidden':
    case 'AllAccessDisabled':
      return {
        status: 502,
        code,
        message:
          `S3 refused the app's access key for the bucket ${bucket}. If the key was just ` +
          'rotated, the app restarts with the new one within moments; otherwise check the ' +
          'config vars with `heroku config` and the add-on with `heroku addons`.',
      }
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return {
        status: 502,
        code,
        message:
          'S3 does not accept the access key in BYO_S3_AWS_ACCESS_KEY_ID and ' +
          'BYO_S3_AWS_SECRET_ACCESS_KEY: it was deleted or changed by hand. ' +
          'Copy them again from the add-on (`heroku config`), or rotate them with ' +
          '`heroku byo-s3:credentials:rotate`.',
      }
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
      return {
        status: 502,
        code,
        message: `The bucket ${bucket} is not in the region BYO_S3_AWS_REGION names; set it back to the add-on's value.`,
      }
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'TimeoutError':
    case 'RequestTimeout':
      return {
        status: 504,
        code,
        message: 'The app could not reach S3 in time. Try again in a moment.',
      }
    default:
      return {
        status: 502,
        code,
        message:
          `S3 answered ${code}${httpStatus ? ` (HTTP ${httpStatus})` : ''} for the bucket ` +
          `${bucket}. Try again; if it persists, the add-on's dashboard (\`heroku addons:open byo-s3\`) shows the bucket's state.`,
      }
  }
}
