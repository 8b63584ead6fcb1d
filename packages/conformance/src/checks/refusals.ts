import {
  answered,
  type Context,
  deprovision,
  isObject,
  provision,
  provisionBody,
} from '../context.js'
import {fail, type Outcome, pass, skip} from '../report.js'

/**
 * Requests an add-on must refuse with 422 and a message a user can act on, or, for a missing
 * grant, may serve anyway: the Partner API lets each add-on choose.
 */
export async function checkRefusals(context: Context): Promise<void> {
  const {report, standIn, options} = context

  await report.check('provision: oauth_grant null gets 422 with a message, or 2xx', async () => {
    const body = provisionBody(context, {grant: false})
    const reply = await provision(context, body)
    if (reply.status >= 200 && reply.status < 300) {
      await deprovision(context, body.uuid)
      return pass(`${reply.status}: served without a grant`)
    }
    return withMessage(reply, () => pass())
  })

  const {personalApp, otherTeamApp} = standIn.world
  await report.check('provision: an app of no team gets 422 naming the team', async () => {
    if (!options.requiresTeam) return skip('no --requires-team given')
    const reply = await provision(context, provisionBody(context, {app: personalApp}))
    return withMessage(reply, (message) =>
      /team/i.test(message) ? pass() : fail(`the message does not mention a team: ${message}`),
    )
  })
  await report.check('provision: a team not set up gets 422 naming that team', async () => {
    if (!options.requiresTeam) return skip('no --requires-team given')
    const reply = await provision(context, provisionBody(context, {app: otherTeamApp}))
    const team = otherTeamApp.team!.name
    return withMessage(reply, (message) =>
      message.includes(team) ? pass() : fail(`the message does not name ${team}: ${message}`),
    )
  })
}

function withMessage(reply: Awaited<ReturnType<typeof provision>>, then: (m: string) => Outcome) {
  if (reply.status !== 422) return fail(answered(reply))
  const message = isObject(reply.json) ? reply.json.message : undefined
  return typeof message === 'string' && message !== ''
    ? then(message)
    : fail('422 without a message')
}
