import type {FastifyError, FastifyInstance} from 'fastify'
import {isBrokerError} from '../errors.js'
import type {Html} from './html.js'
import {messagePage} from './layout.js'

const TITLES: Record<number, string> = {
  401: 'Open the add-on from Heroku',
  403: 'Access refused',
  404: 'Add-on not found',
}

/**
 * The dashboard's errors as pages a person reads, in place of the JSON the APIs answer with.
 * Details of a failure stay in the log.
 */
export function renderErrorsAsPages(
  app: FastifyInstance,
  {help, ...titles}: {help?: Html} & Record<number, string> = {},
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = 500
    let message = 'The dashboard hit an unexpected error. Try again in a minute.'
    if (isBrokerError(error)) {
      status = error.status
      message = error.message
    } else if (error.statusCode && error.statusCode < 500) {
      status = 400
      message = 'The browser sent a request the dashboard could not read.'
    }

    if (status >= 500) request.log.error({err: error}, 'dashboard request failed')
    const title =
      titles[status] ??
      TITLES[status] ??
      (status >= 500 ? 'Something went wrong' : 'Request refused')
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(messagePage(title, message, help))
  })
}
