import type {FastifyInstance} from 'fastify'

/**
 * Heroku sends DELETE with `Content-Type: application/json` and no body, which Fastify's own
 * parser refuses (FST_ERR_CTP_EMPTY_JSON_BODY), and may label JSON with its vendor media type
 * (`application/vnd.heroku-addons+json`). Both are accepted; anything else stays Fastify's.
 */
export function acceptHerokuJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  const parser: Parameters<typeof app.addContentTypeParser<string>>[2] = (request, body, done) => {
    if (body === '') {
      done(null, undefined)
      return
    }

    parseJson(request, body, done)
  }

  app.addContentTypeParser('application/json', {parseAs: 'string'}, parser)
  app.addContentTypeParser(/^application\/[\w.+-]+\+json/, {parseAs: 'string'}, parser)
}
