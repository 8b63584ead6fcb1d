/**
 * The app.json format as Heroku documents it (Dev Center, "app.json Schema"): the keys Heroku
 * reads, their types and the values it accepts. Written from that page; Heroku publishes no
 * machine-readable copy on npm.
 */
const url = {type: 'string', pattern: '^https?://'}
const script = {type: 'string', minLength: 1}

const envEntry = {
  oneOf: [
    {type: 'string'},
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: {type: 'string'},
        value: {type: 'string'},
        required: {type: 'boolean'},
        generator: {enum: ['secret']},
      },
    },
  ],
}

const addon = {
  oneOf: [
    {type: 'string', pattern: '^[a-z0-9-]+(:[a-z0-9-]+)?$'},
    {
      type: 'object',
      required: ['plan'],
      additionalProperties: false,
      properties: {
        plan: {type: 'string', pattern: '^[a-z0-9-]+(:[a-z0-9-]+)?$'},
        as: {type: 'string', pattern: '^[A-Z][A-Z0-9_]*$'},
        options: {type: 'object', additionalProperties: {type: 'string'}},
      },
    },
  ],
}

const formation = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['quantity'],
    additionalProperties: false,
    properties: {quantity: {type: 'integer', minimum: 0}, size: {type: 'string'}},
  },
}

export const appJsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: {type: 'string', maxLength: 300},
    description: {type: 'string'},
    keywords: {type: 'array', items: {type: 'string'}},
    website: url,
    repository: url,
    logo: url,
    success_url: {type: 'string'},
    scripts: {
      type: 'object',
      additionalProperties: false,
      properties: {postdeploy: script, 'pr-predestroy': script},
    },
    env: {type: 'object', additionalProperties: envEntry},
    formation,
    addons: {type: 'array', items: addon},
    buildpacks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['url'],
        additionalProperties: false,
        properties: {url: {type: 'string'}},
      },
    },
    environments: {type: 'object'},
    stack: {type: 'string'},
    image: {type: 'string'},
  },
}
