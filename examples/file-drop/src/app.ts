import formbody from '@fastify/formbody'
import Fastify, {type FastifyReply, type FastifyRequest, type FastifyServerOptions} from 'fastify'
import {Bucket, createS3Client} from './bucket.js'
import {missingConfigMessage, readConfig} from './config.js'
import {contentSecurityPolicy, renderPage, type PageContent} from './page.js'
import {describeS3Error} from './s3-errors.js'

export interface AppOptions {
  env: NodeJS.ProcessEnv
  logger?: FastifyServerOptions['logger']
}

/**
 * The whole app: one page that lists the bucket and uploads to it, a download redirect and a
 * delete. Without the add-on's config vars every route answers with a page that says so.
 */
export async function buildApp({env, logger = true}: AppOptions) {
  // Heroku's router terminates TLS and says so in X-Forwarded-Proto.
  const app = Fastify({logger, trustProxy: true})
  await app.register(formbody)

  const result = readConfig(env)
  if (!result.ok) {
    app.log.warn({missing: result.missing}, missingConfigMessage(result.missing))
    const explain = async (_request: FastifyRequest, reply: FastifyReply) =>
      sendPage(reply, 503, {missing: result.missing})
    app.get('/', explain)
    app.get('/download', explain)
    app.post('/delete', explain)
    return app
  }

  const {config} = result
  const bucket = new Bucket(createS3Client(config), config.bucket)
  app.addHook('onClose', async () => bucket.close())
  const about = {name: config.bucket, region: config.region}

  const failure = (request: FastifyRequest, reply: FastifyReply, error: unknown, key?: string) => {
    const problem = describeS3Error(error, {bucket: config.bucket, key})
    request.log.warn({s3Error: problem.code, status: problem.status, key}, 'S3 request failed')
    return sendPage(reply, problem.status, {bucket: about, problem})
  }

  app.get<{Querystring: Notices}>('/', async (request, reply) => {
    try {
      const [{files, more}, upload] = await Promise.all([
        bucket.list(),
        bucket.uploadForm(`${request.protocol}://${request.host}/?uploaded`),
      ])
      const notice = noticeOf(request.query)
      return sendPage(reply, 200, {bucket: about, files, more, upload, notice})
    } catch (error) {
      return failure(request, reply, error)
    }
  })

  app.get<{Querystring: {key?: string}}>('/download', async (request, reply) => {
    const {key} = request.query
    if (!key) return reply.redirect('/', 303)

    try {
      return reply.redirect(await bucket.downloadUrl(key), 303)
    } catch (error) {
      return failure(request, reply, error, key)
    }
  })

  app.post<{Body: {key?: string}}>('/delete', async (request, reply) => {
    const key = request.body?.key
    if (!key) return reply.redirect('/', 303)

    try {
      await bucket.remove(key)
    } catch (error) {
      return failure(request, reply, error, key)
    }

    request.log.info({key}, 'file deleted')
    return reply.redirect(`/?deleted=${encodeURIComponent(key)}`, 303)
  })

  return app
}

/** S3 sends the browser back after an upload with the bucket, key and ETag added to the query. */
interface Notices {
  uploaded?: string
  key?: string
  deleted?: string
}

function noticeOf({uploaded, key, deleted}: Notices): string | undefined {
  if (uploaded !== undefined && key) return `Uploaded ${key}.`
  if (deleted) return `Deleted ${deleted}.`
  return undefined
}

function sendPage(reply: FastifyReply, status: number, content: PageContent) {
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': contentSecurityPolicy(content.upload?.url),
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    })
    .send(renderPage(content))
}
