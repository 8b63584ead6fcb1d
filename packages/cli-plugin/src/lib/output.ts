import * as color from '@heroku/heroku-cli-util/color'
import {ux} from '@oclif/core'
import {stripVTControlCharacters} from 'node:util'

/*
 * What the commands print with. The look is the Heroku CLI's (its colours, `=== ` headers,
 * aligned key/value lists and tables), but not its code: `@heroku/heroku-cli-util`'s tables come
 * with @oclif/table, ink and React, which take 0.5 to 0.9 s to load, where a byo-s3 command should
 * add under 150 ms to the CLI's own start. Only its colours module, which is light, is used.
 */

export {color}

export function printJson(value: unknown): void {
  ux.stdout(ux.colorizeJson(value))
}

export function printHeader(header: string): void {
  ux.stdout(color.label('=== ') + color.label(header) + '\n')
}

/** `Key: value` lines with the values aligned; entries without a value are left out. */
export function printObject(entries: Record<string, null | number | string | undefined>): void {
  const shown = Object.entries(entries).filter(([, value]) => value !== null && value !== undefined)
  const width = Math.max(0, ...shown.map(([key]) => key.length)) + 2
  ux.stdout(
    shown
      .map(([key, value]) => `${color.label(key)}:${' '.repeat(width - key.length - 1)}${value}`)
      .join('\n'),
  )
}

export type Column<T> = {get: (row: T) => string; header: string}

/** A table as the Heroku CLI draws one: headers, a rule under each, then one line per row. */
export function printTable<T>(rows: T[], columns: Column<T>[]): void {
  const cells = rows.map((row) => columns.map((column) => column.get(row)))
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => visibleLength(line[index]))),
  )
  const rule = process.env.CI ? '-' : '─'
  const line = (values: string[]) =>
    ' ' +
    values
      .map((value, index) => pad(value, widths[index]))
      .join('  ')
      .trimEnd()
  ux.stdout(
    [
      line(columns.map((column) => color.label(column.header))),
      line(widths.map((width) => rule.repeat(width))),
      ...cells.map((values) => line(values)),
    ].join('\n'),
  )
}

function pad(value: string, width: number): string {
  return value + ' '.repeat(Math.max(0, width - visibleLength(value)))
}

function visibleLength(value: string): number {
  return stripVTControlCharacters(value).length
}
