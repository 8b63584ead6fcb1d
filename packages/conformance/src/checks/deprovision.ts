import {answered, type Context, deprovision, provision} from '../context.js'
import {fail, type Outcome, pass, skip} from '../report.js'
import {refused, wrongCredentials} from './auth.js'
import type {Provisioned} from './provision.js'

const ok = (status: number) => status >= 200 && status < 300

/**
 * `DELETE {base_url}/{id}` as Heroku sends it (JSON content type, empty body), also while the
 * Platform API is down (the app may be gone), twice; then the uuid is gone for good (410).
 */
export async function checkDeprovision(
  context: Context,
  main: Provisioned,
  second: Provisioned,
): Promise<void> {
  const {report, client, auth, standIn} = context
  const when = (addon: Provisioned, check: () => Promise<Outcome>) => () =>
    addon.created ? check() : skip('not provisioned')

  await report.check(
    'auth: deprovision with a wrong password is refused with 401',
    when(second, async () =>
      refused(await client.deprovision(second.body.uuid, wrongCredentials(auth).password)),
    ),
  )
  await report.check(
    'deprovision: DELETE with a JSON content type and an empty body gets 2xx',
    when(second, async () => {
      const reply = await deprovision(context, second.body.uuid)
      return ok(reply.status) ? pass(`${reply.status}`) : fail(answered(reply))
    }),
  )

  standIn.setDown(true)
  try {
    await report.check(
      'deprovision: succeeds while the Platform API is down',
      when(main, async () => {
        const reply = await deprovision(context, main.body.uuid)
        return ok(reply.status) ? pass() : fail(answered(reply))
      }),
    )
    await report.check(
      'deprovision: a repeated DELETE gets 2xx',
      when(main, async () => {
        const reply = await client.deprovision(main.body.uuid, auth)
        return ok(reply.status) ? pass() : fail(answered(reply))
      }),
    )
  } finally {
    standIn.setDown(false)
  }

  await report.check(
    'provision: a deprovisioned uuid gets 410 and creates nothing',
    when(main, async () => {
      const exchanges = () => standIn.tokenRequests().filter((r) => r.addonId === main.body.uuid)
      const before = exchanges().length
      const reply = await provision(context, main.body)
      if (reply.status !== 410) return fail(answered(reply))
      return exchanges().length === before ? pass() : fail('410, but the grant was used again')
    }),
  )
}

/** Best effort: what the add-on still holds from this run, such as wrongly accepted requests. */
export async function cleanUp(context: Context): Promise<void> {
  for (const id of [...context.live]) {
    await deprovision(context, id).catch(() => {})
  }
}
