// JSON Schemas for the questionnaire file, the crosswalk file and the answers document (docs/domain.md §3).
// Field names are part of the public contract: outside tools read these files.

const text = { type: 'string', pattern: '\\S' } as const;

export const localizedTextSchema = {
  $id: 'localized-text',
  type: 'object',
  required: ['zh-TW', 'en'],
  properties: { 'zh-TW': text, en: text },
} as const;

const weight = { type: 'number', exclusiveMinimum: 0 } as const;
const questionnaireRef = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*@\\d+\\.\\d+\\.\\d+$' } as const;
const ratingValue = { type: 'number', minimum: 0, maximum: 1 } as const;

const indicatorSchema = {
  type: 'object',
  required: ['id', 'text', 'guidance', 'evidence'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    text: { $ref: 'localized-text' },
    guidance: { $ref: 'localized-text' },
    evidence: { $ref: 'localized-text' },
    agencyGuidance: { $ref: 'localized-text' },
    weight,
    references: {
      type: 'object',
      properties: {
        iso27001: { type: 'array', items: { type: 'string', pattern: '^A\\.[5-8]\\.\\d{1,2}$' }, uniqueItems: true },
        nistCsf: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2}\\.[A-Z]{2}-\\d{2}$' }, uniqueItems: true },
      },
    },
  },
} as const;

export const questionnaireSchema = {
  $id: 'questionnaire',
  type: 'object',
  required: ['id', 'version', 'rocYear', 'title', 'scoring', 'attributes', 'aspects'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    rocYear: { type: 'integer', minimum: 1 },
    targetLevel: { type: ['integer', 'null'], minimum: 1, maximum: 5 },
    title: { $ref: 'localized-text' },
    scoring: {
      type: 'object',
      required: ['rollup'],
      properties: {
        rollup: { enum: ['guarded-average', 'weighted-average', 'minimum'] },
        ratingValues: {
          type: 'object',
          additionalProperties: false,
          properties: { N: ratingValue, P: ratingValue, L: ratingValue, F: ratingValue },
        },
      },
    },
    attributes: {
      type: 'array',
      minItems: 9,
      maxItems: 9,
      items: {
        type: 'object',
        required: ['id', 'level', 'name', 'indicators'],
        properties: {
          id: { type: 'string' },
          level: { type: 'integer', minimum: 1, maximum: 5 },
          name: { $ref: 'localized-text' },
          indicators: { type: 'array', maxItems: 4, items: indicatorSchema },
        },
      },
    },
    aspects: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'name', 'processes'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' },
          name: { $ref: 'localized-text' },
          weight,
          processes: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['id', 'name', 'purpose', 'indicators'],
              properties: {
                id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' },
                name: { $ref: 'localized-text' },
                purpose: { $ref: 'localized-text' },
                weight,
                indicators: { type: 'array', minItems: 3, maxItems: 6, items: indicatorSchema },
              },
            },
          },
        },
      },
    },
  },
} as const;

const indicatorRef = {
  type: 'object',
  required: ['process', 'indicator'],
  additionalProperties: false,
  properties: { process: { type: 'string', minLength: 1 }, indicator: { type: 'string', minLength: 1 } },
} as const;

export const crosswalkSchema = {
  $id: 'crosswalk',
  type: 'object',
  required: ['from', 'to', 'processes', 'indicators'],
  properties: {
    from: questionnaireRef,
    to: questionnaireRef,
    processes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { type: 'string', minLength: 1 }, to: { type: 'string', minLength: 1 }, note: { $ref: 'localized-text' } },
      },
    },
    indicators: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to'],
        properties: {
          from: indicatorRef,
          to: { type: 'array', items: indicatorRef },
          note: { $ref: 'localized-text' },
        },
      },
    },
  },
} as const;

/** The answers document: CLI input and the offline import/export format. */
export const answersDocumentSchema = {
  $id: 'answers-document',
  type: 'object',
  required: ['answers'],
  properties: {
    questionnaire: { type: 'string', minLength: 1 },
    answers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['process', 'indicator', 'rating'],
        properties: {
          process: { type: 'string' },
          indicator: { type: 'string' },
          rating: { type: 'string' },
          evidence: { type: ['string', 'null'] },
          note: { type: ['string', 'null'] },
          justification: { type: ['string', 'null'] },
        },
      },
    },
    outOfScope: {
      type: 'array',
      items: {
        type: 'object',
        required: ['process'],
        properties: { process: { type: 'string' }, justification: { type: ['string', 'null'] } },
      },
    },
  },
} as const;
