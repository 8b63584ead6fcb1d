/** Markup that is safe to send as it is: only `html` builds it. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text
  }
}

type Part = Html | string | number | null | undefined | false | Part[]

/**
 * A template tag for HTML: every interpolated value is escaped unless it is itself `Html`, so
 * object keys, file names and error messages from S3 can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let text = strings[0]
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]
  })
  return new Html(text)
}

function render(value: Part): string {
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false) return ''

  return escapeHtml(String(value))
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character])
}
