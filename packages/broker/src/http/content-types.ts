import type {FastifyInstance} from 'fastify'
import {BrokerError} from '../errors.js'

/**
 * Heroku sends DELETE with `Content-Type: application/json` and no body, which Fastify's own
 * parser refuses (FST_ERR_CTP_EMPTY_JSON_BODY), and may label JSON with its vendor media type
 * (`application/vnd.heroku-addons+json`). Both are accepted; anything else stays Fastify's.
 * JSON may carry NUL (`\u0000`) in a string, which PostgreSQL cannot store in text: such a body
 * is refused before anything is written.
 */
export function acceptHerokuJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  const parser: Parameters<typeof app.addContentTypeParser<string>>[2] = (request, body, done) => {
    if (body === '') {
      done(null, undefined)
      return
    }

    parseJson(request, body, (error, value) => {
      if (!error && holdsNul(value)) {
        done(
          new BrokerError(
            422,
            'nul_character',
            'The request holds a NUL character (\\u0000), which byo-s3 does not accept in any value or name.',
          ),
          undefined,
        )
        return
      }

      done(error, value)
    })
  }

  app.addContentTypeParser('application/json', {parseAs: 'string'}, parser)
  app.addContentTypeParser(/^application\/[\w.+-]+\+json/, {parseAs: 'string'}, parser)
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(holdsNul)
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item))
  }

  return false
}
