import {Writable} from 'node:stream'
import {buildApp} from '../../src/app.js'

export interface RunningApp {
  base: string
  /** Every line the app logged so far. */
  logs(): string
  close(): Promise<void>
}

/** The app on a loopback port with `env` as its environment, its log kept for assertions. */
export async function startApp(env: NodeJS.ProcessEnv): Promise<RunningApp> {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const app = await buildApp({env, logger: {level: 'info', stream}})
  const base = await app.listen({host: '127.0.0.1', port: 0})
  return {base, logs: () => lines.join(''), close: () => app.close()}
}

/** The upload form's target and fields, read from the page as a browser would. */
export function uploadFormOf(page: string): {action: string; fields: Record<string, string>} {
  const form = /<form id="upload" method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page)
  if (!form) throw new Error(`No upload form in the page:\n${page}`)

  const fields: Record<string, string> = {}
  for (const [, name, value] of form[2].matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g,
  )) {
    fields[unescapeHtml(name)] = unescapeHtml(value)
  }
  return {action: unescapeHtml(form[1]), fields}
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
