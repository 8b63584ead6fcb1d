import {randomUUID} from 'node:crypto'
import {answered, type Context, isObject} from '../context.js'
import {fail, pass, skip} from '../report.js'
import {refused, wrongCredentials} from './auth.js'
import type {Provisioned} from './provision.js'

/** `PUT {base_url}/{id}`: same plan, another plan, an unknown plan, and wrong credentials. */
export async function checkPlanChange(context: Context, main: Provisioned): Promise<void> {
  const {report, client, auth, options} = context
  const id = main.body.uuid
  const needsAddon = () => skip('not provisioned')
  if (!main.created) {
    for (const name of PLAN_CHECKS) await report.check(name, needsAddon)
    return
  }

  const same = await client.changePlan(id, {plan: options.plan}, auth)
  await report.check(PLAN_CHECKS[0], () => (same.status === 200 ? pass() : fail(answered(same))))

  await report.check(PLAN_CHECKS[1], async () => {
    if (!options.otherPlan) return skip('no --other-plan given')
    // Older tooling sent a new random uuid in the body: the path's id is the one that counts.
    const body = {plan: options.otherPlan, uuid: randomUUID()}
    const other = await client.changePlan(id, body, auth)
    return other.status >= 200 && other.status < 300 ? pass() : fail(answered(other))
  })

  const unknown = await client.changePlan(id, {plan: `no-such-plan-${randomUUID()}`}, auth)
  await report.check(PLAN_CHECKS[2], () => {
    if (unknown.status !== 422) return fail(answered(unknown))
    const message = isObject(unknown.json) ? unknown.json.message : undefined
    return typeof message === 'string' && message !== '' ? pass() : fail('422 without a message')
  })

  const wrong = await client.changePlan(id, {plan: options.plan}, wrongCredentials(auth).password)
  await report.check(PLAN_CHECKS[3], () => refused(wrong))
}

const PLAN_CHECKS = [
  'plan change: the current plan gets 200',
  'plan change: another plan gets 2xx, whatever uuid the body carries',
  'plan change: an unknown plan gets 422 with a message',
  'auth: plan change with a wrong password is refused with 401',
]
