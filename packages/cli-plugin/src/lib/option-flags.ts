import {ByoS3Error, ExitCode} from './errors.js'

/** `--forbid-option a --forbid-option b,c` as a list; `none` alone empties it. */
export function optionList(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined

  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim())
  return names.length === 1 && names[0] === 'none' ? [] : names.filter(Boolean)
}

/** `--force-option name=value` flags as an object; `none` alone empties it. */
export function forcedOptions(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined
  if (values.length === 1 && values[0].trim() === 'none') return {}

  return Object.fromEntries(
    values.map((value) => {
      const at = value.indexOf('=')
      if (at <= 0) {
        throw new ByoS3Error(
          `--force-option takes name=value, such as versioning=true, not "${value}".`,
          ExitCode.usage,
        )
      }

      return [value.slice(0, at).trim(), value.slice(at + 1).trim()]
    }),
  )
}
