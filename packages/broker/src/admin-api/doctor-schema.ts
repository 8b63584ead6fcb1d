const nullableString = {type: ['string', 'null']}
const kinds = ['orphan', 'retained', 'missing', 'drift', 'stuck', 'failing']

/** The drift doctor's report; as every response schema, the allow-list of what is answered. */
export const doctorReport = {
  type: 'object',
  properties: {
    team: {type: 'object', properties: {id: {type: 'string'}, name: {type: 'string'}}},
    awsAccountId: {type: 'string'},
    checkedAt: {type: 'string'},
    fixed: {type: 'boolean'},
    problems: {type: 'integer'},
    counts: {
      type: 'object',
      properties: Object.fromEntries(kinds.map((kind) => [kind, {type: 'integer'}])),
    },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: {type: 'string', enum: kinds},
          resource: {type: 'string'},
          name: {type: 'string'},
          addonId: nullableString,
          problem: {type: 'string'},
          action: {type: 'string'},
          fixable: {type: 'boolean'},
          fix: {
            type: ['object', 'null'],
            properties: {outcome: {type: 'string'}, detail: {type: 'string'}},
          },
        },
      },
    },
  },
}

/** The latest check's outcome, shown with the link. */
export const lastDoctorRun = {
  type: ['object', 'null'],
  properties: {
    checkedAt: {type: 'string'},
    problems: {type: ['integer', 'null']},
    error: nullableString,
  },
}
