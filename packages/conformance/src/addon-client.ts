/**
 * The calls Heroku makes to an add-on, made as Heroku makes them: JSON with Heroku's vendor
 * media type and Basic auth for the Partner API, a urlencoded form for single sign-on.
 */
export const ADDONS_ACCEPT = 'application/vnd.heroku-addons+json; version=3'

const TIMEOUT_MS = 30_000

export interface Credentials {
  username: string
  password: string
}

export interface Reply {
  status: number
  /** The body as text, and parsed when it is JSON. */
  text: string
  json?: unknown
  /** How long the add-on took to answer, in milliseconds. */
  ms: number
}

export class AddonClient {
  constructor(
    private readonly baseUrl: string,
    private readonly ssoUrl: string,
  ) {}

  provision(body: unknown, auth?: Credentials): Promise<Reply> {
    return this.call('POST', this.baseUrl, auth, JSON.stringify(body))
  }

  changePlan(id: string, body: unknown, auth?: Credentials): Promise<Reply> {
    return this.call('PUT', this.resourceUrl(id), auth, JSON.stringify(body))
  }

  /** Heroku's DELETE carries a JSON content type and no body at all. */
  deprovision(id: string, auth?: Credentials): Promise<Reply> {
    return this.call('DELETE', this.resourceUrl(id), auth, undefined)
  }

  /**
   * Posts the SSO form and follows redirects by hand, carrying the cookies each answer sets, as
   * a browser does (fetch drops cookies on redirects). Answers the last reply.
   */
  async sso(form: Record<string, string>): Promise<Reply & {cookies: number}> {
    const cookies = new Map<string, string>()
    const started = Date.now()
    let response = await fetch(this.ssoUrl, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    let url = this.ssoUrl
    for (let hops = 0; hops < 5; hops += 1) {
      keepCookies(cookies, response)
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) break

      await response.arrayBuffer()
      url = new URL(location, url).toString()
      response = await fetch(url, {
        headers: {cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')},
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    }

    return {...(await readReply(response, started)), cookies: cookies.size}
  }

  /** A call made with a header rather than a form, such as `x-addon-sso`. */
  async get(url: string, headers: Record<string, string>): Promise<Reply> {
    const started = Date.now()
    const response = await fetch(url, {headers, signal: AbortSignal.timeout(TIMEOUT_MS)})
    return readReply(response, started)
  }

  private resourceUrl(id: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(id)}`
  }

  private async call(
    method: string,
    url: string,
    auth: Credentials | undefined,
    body: string | undefined,
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      accept: ADDONS_ACCEPT,
      'content-type': 'application/json',
    }
    if (auth) {
      const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64')
      headers.authorization = `Basic ${basic}`
    }

    const started = Date.now()
    const response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    return readReply(response, started)
  }
}

async function readReply(response: Response, started: number): Promise<Reply> {
  const text = await response.text()
  const ms = Date.now() - started
  try {
    return {status: response.status, text, json: JSON.parse(text), ms}
  } catch {
    return {status: response.status, text, ms}
  }
}

function keepCookies(cookies: Map<string, string>, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const at = pair.indexOf('=')
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
  }
}
