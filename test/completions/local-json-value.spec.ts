/**
 * The built-in model's JSON values (json-value.ts): every value drawn for a schema validates against
 * it (checked with ajv, 200 seeds per schema), for the schemas SDKs generate from zod (zod's own
 * z.toJSONSchema, the openai SDK's zodResponseFormat and zodFunction) and for the hand-written
 * features they use; the same seed gives the same value; and no schema makes a value large or slow.
 */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { Ajv, type AnySchema } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { jsonTextOf, jsonValueOf, MAX_ITEMS } from '../../src/completions/local/json-value.js';
import { SeededRandom } from '../../src/completions/local/seeded-random.js';
import { cpuMs } from '../support/event-loop.js';

const SEEDS = 200;

/** Formats checked as strictly as the patterns zod puts beside them. */
const FORMATS = {
  'date-time': /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?Z$/,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/,
  email: /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/,
  uri: /^https?:\/\/[^\s]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
};

function validatorOf(schema: AnySchema) {
  const draft2020 = typeof schema === 'object' && String(schema.$schema ?? '').includes('2020-12');
  const ajv = draft2020 ? new Ajv2020({ strict: false, formats: FORMATS }) : new Ajv({ strict: false, formats: FORMATS });
  return ajv.compile(schema);
}

/** Validates the values of SEEDS seeds; answers the values, for further checks. */
function expectValidValues(schema: AnySchema): unknown[] {
  const validate = validatorOf(schema);
  const values: unknown[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    const value = JSON.parse(jsonTextOf(schema, new SeededRandom(seed)));
    if (!validate(value)) throw new Error(`seed ${seed}: ${JSON.stringify(value)} is invalid: ${JSON.stringify(validate.errors)}`);
    values.push(value);
  }
  return values;
}

const Category = z.enum(['book', 'music', 'film']);
const TreeNode: z.ZodType<{ label: string; children: unknown[] }> = z.object({
  label: z.string(),
  get children() {
    return z.array(TreeNode);
  },
});
const Event = z.object({
  title: z.string().min(3).max(40),
  id: z.uuid(),
  organizer: z.email(),
  startsAt: z.iso.datetime(),
  day: z.iso.date(),
  seats: z.number().int().min(1).max(500),
  price: z.number().positive().lt(1000),
  step: z.number().multipleOf(0.25).min(-10).max(10),
  rating: z.int().gte(-3).lte(3),
  category: Category,
  tags: z.array(z.string().max(12)).min(1).max(5),
  venue: z.object({ name: z.string(), geo: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }) }),
  notes: z.string().nullable(),
  private: z.boolean(),
  website: z.url().optional(),
  kind: z.literal('event'),
  payload: z.union([z.object({ type: z.literal('a'), a: z.number() }), z.object({ type: z.literal('b'), b: z.string() })]),
});

/** Schemas generated from zod by zod itself (draft 2020-12) and by the openai SDK's helpers (draft-07, strict). */
const ZOD_SCHEMAS: [string, AnySchema][] = [
  ['z.toJSONSchema of an event (formats, bounds, enums, nested objects, optional, nullable, literal, union)', z.toJSONSchema(Event)],
  ['z.toJSONSchema of a recursive tree ($ref to #/$defs)', z.toJSONSchema(z.object({ root: TreeNode, size: z.int().nonnegative() }))],
  [
    'z.toJSONSchema of records, tuples, arrays of objects, default values, intersections',
    z.toJSONSchema(
      z.object({
        counts: z.record(z.string(), z.int().min(0)),
        pair: z.tuple([z.string(), z.number()]),
        people: z.array(z.object({ name: z.string().min(1), age: z.int().min(0).max(130).optional() })).max(4),
        mode: z.string().default('fast'),
        both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.int() })),
        maybe: z.number().nullish(),
      }),
    ),
  ],
  [
    "openai's zodResponseFormat (strict: optional fields nullable and required, definitions)",
    zodResponseFormat(Event.omit({ website: true }).extend({ website: z.url().nullable(), tree: TreeNode }), 'event').json_schema.schema!,
  ],
  ["LangChain's toJsonSchema (withStructuredOutput, tools)", toJsonSchema(Event)],
  [
    "zod's toJSONSchema as the AI SDK calls it (generateObject, tools: draft-7, input types, $refs)",
    z.toJSONSchema(Event.extend({ tree: TreeNode }), { target: 'draft-7', io: 'input', reused: 'ref' }),
  ],
  [
    "openai's zodFunction parameters",
    zodFunction({ name: 'book', parameters: z.object({ city: z.string(), nights: z.int().min(1).max(14), room: Category.nullable() }) })
      .function.parameters!,
  ],
];

/** Features SDKs and hand-written tools use beside zod's output. */
const HAND_WRITTEN: [string, AnySchema][] = [
  [
    'draft-07 $ref to #/definitions, type lists, anyOf and oneOf',
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        owner: { $ref: '#/definitions/person' },
        members: { type: 'array', items: { $ref: '#/definitions/person' }, minItems: 2, maxItems: 4 },
        nickname: { type: ['string', 'null'], minLength: 2, maxLength: 8 },
        score: { oneOf: [{ type: 'integer', minimum: 100 }, { type: 'null' }] },
        tag: { anyOf: [{ const: 'x' }, { enum: [1, 2, 3] }, { type: 'boolean' }] },
      },
      required: ['owner', 'members', 'nickname', 'score', 'tag'],
      additionalProperties: false,
      definitions: {
        person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
      },
    },
  ],
  [
    'numbers: exclusive bounds, decimals multipleOf, far-away and one-sided bounds',
    {
      type: 'object',
      properties: {
        a: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        b: { type: 'number', multipleOf: 0.1 },
        c: { type: 'number', multipleOf: 0.01, minimum: 5, maximum: 6 },
        d: { type: 'integer', minimum: 1_000_000 },
        e: { type: 'integer', maximum: -500, multipleOf: 7 },
        f: { type: 'number', exclusiveMinimum: 2.5, exclusiveMaximum: 2.6 },
        g: { type: 'integer', minimum: 3, maximum: 3 },
      },
      required: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    },
  ],
  [
    'objects: minProperties, maxProperties, required names without a schema, maps',
    {
      type: 'object',
      properties: { x: { type: 'string' }, y: { type: 'string' }, z: { type: 'string' } },
      required: ['w'],
      minProperties: 3,
      maxProperties: 3,
    },
  ],
  ['strings: long minLength, allOf, no type at all', { allOf: [{ type: 'string', minLength: 300 }, { maxLength: 310 }] }],
  ['an empty schema', {}],
];

describe('jsonValueOf', () => {
  it.each(ZOD_SCHEMAS)('draws %s: all valid over 200 seeds', (_name, schema) => {
    const values = expectValidValues(schema);
    expect(new Set(values.map((value) => JSON.stringify(value))).size).toBeGreaterThan(SEEDS / 2);
  });

  it.each(HAND_WRITTEN)('draws %s: all valid over 200 seeds', (_name, schema) => {
    expectValidValues(schema);
  });

  it("reads draft 4's boolean exclusive bounds", () => {
    const schema = { type: 'number', minimum: 0, maximum: 0.5, exclusiveMinimum: true, exclusiveMaximum: true };
    const integers = { type: 'integer', minimum: 1, maximum: 3, exclusiveMinimum: true, exclusiveMaximum: true };
    for (let seed = 0; seed < SEEDS; seed++) {
      const value = jsonValueOf(schema, new SeededRandom(seed)) as number;
      expect(value > 0 && value < 0.5).toBe(true);
      expect(jsonValueOf(integers, new SeededRandom(seed))).toBe(2);
    }
  });

  it('varies the optional properties, the nullable ones and the union branches over the seeds', () => {
    const values = expectValidValues(z.toJSONSchema(Event)) as Record<string, unknown>[];
    expect(values.some((value) => 'website' in value) && values.some((value) => !('website' in value))).toBe(true);
    expect(values.some((value) => value.notes === null) && values.some((value) => typeof value.notes === 'string')).toBe(true);
    const types = new Set(values.map((value) => (value.payload as { type: string }).type));
    expect(types).toEqual(new Set(['a', 'b']));
  });

  it('gives the same value for the same seed, on every call', () => {
    const schema = z.toJSONSchema(Event);
    for (const seed of [0, 7, 123_456]) {
      expect(jsonValueOf(schema, new SeededRandom(seed))).toEqual(jsonValueOf(structuredClone(schema), new SeededRandom(seed)));
    }
    expect(jsonTextOf(schema, new SeededRandom(1))).not.toBe(jsonTextOf(schema, new SeededRandom(2)));
  });

  it('keeps own keys named like Object.prototype members as plain keys', () => {
    const schema = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"integer"},"constructor":{"type":"string"}},"required":["__proto__","constructor"]}',
    );
    const value = JSON.parse(jsonTextOf(schema, new SeededRandom(1)));
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(validatorOf(schema)(value)).toBe(true);
  });

  it('stays small and quick for schemas that ask for endless or huge values', () => {
    const fanOut = Object.fromEntries(
      Array.from({ length: 30 }, (_, level) => [
        `l${level}`,
        {
          type: 'object',
          properties: Object.fromEntries(Array.from({ length: 8 }, (__, key) => [`k${key}`, { $ref: `#/$defs/l${level + 1}` }])),
          required: Array.from({ length: 8 }, (__, key) => `k${key}`),
        },
      ]),
    );
    const schemas: unknown[] = [
      { $ref: '#' },
      { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' },
      { anyOf: [{ $ref: '#' }] },
      { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] },
      {
        type: 'array',
        items: { type: 'array', items: { type: 'string', minLength: 1_000_000 }, minItems: 1_000_000 },
        minItems: 1_000_000,
      },
      { $defs: fanOut, $ref: '#/$defs/l0' },
      {
        allOf: Array.from({ length: 50 }, () => ({ $ref: '#/$defs/x' })),
        $defs: {
          x: { allOf: Array.from({ length: 50 }, () => ({ $ref: '#/$defs/y' })) },
          y: { allOf: Array.from({ length: 50 }, () => ({ $ref: '#/$defs/x' })) },
        },
      },
      { $ref: '#/$defs/%E0%A4%A' },
      {
        $defs: { wide: { type: 'object', ...Object.fromEntries(Array.from({ length: 50_000 }, (_, key) => [`x${key}`, key])) } },
        type: 'array',
        items: { anyOf: [{ $ref: '#/$defs/wide', description: 'wide' }] },
        minItems: 64,
      },
      { type: 'array', prefixItems: [{ type: 'string' }], items: false, minItems: 5 },
    ];
    for (const schema of schemas) {
      const started = cpuMs();
      const text = jsonTextOf(schema, new SeededRandom(3));
      expect(cpuMs() - started).toBeLessThan(50);
      expect(text.length).toBeLessThan(100_000);
      expect(() => JSON.parse(text)).not.toThrow();
    }
    expect(jsonValueOf({ type: 'array', items: { type: 'integer' }, minItems: 1_000 }, new SeededRandom(1))).toHaveLength(MAX_ITEMS);
  });
});
