import type {Credentials, Reply} from '../addon-client.js'
import {answered, type Context, provision, provisionBody} from '../context.js'
import {fail, pass} from '../report.js'

/** Every Partner API call must be refused with 401 unless both Basic auth parts are right. */
export async function checkProvisionAuth(context: Context): Promise<void> {
  const {report, auth} = context
  const wrong = wrongCredentials(auth)
  const attempts: [string, Credentials | null][] = [
    ['provision without credentials is refused with 401', null],
    ['provision with a wrong password is refused with 401', wrong.password],
    ['provision with a wrong username is refused with 401', wrong.username],
  ]
  for (const [name, credentials] of attempts) {
    const reply = await provision(context, provisionBody(context), credentials)
    await report.check(`auth: ${name}`, () => refused(reply))
  }
}

export function wrongCredentials(auth: Credentials) {
  return {
    password: {username: auth.username, password: `${auth.password}-wrong`},
    username: {username: `${auth.username}-wrong`, password: auth.password},
  }
}

export function refused(reply: Reply) {
  return reply.status === 401 ? pass() : fail(answered(reply))
}
