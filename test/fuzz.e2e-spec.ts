/**
 * Bad input against every operation of the OpenAPI document (`/docs-json`), on the real app over
 * real HTTP. The list of operations comes from the running app, so a new route is fuzzed without
 * touching this file.
 *
 * Every operation is called anonymously, as a normal user (bearer and API key) and as the admin
 * with: bodies generated from its request schema that always violate it (fast-check, fixed seed),
 * raw invalid JSON, bodies over the 1 MiB limit, wrong content types, garbage path and query
 * parameters and garbage headers. The properties:
 *
 *   - no answer is a 5xx, and every 4xx has the contract's error body { statusCode, code, message };
 *   - every malformed request to an operation that changes something is refused (4xx), and the
 *     database is exactly as before: balances, ledger, purchases, API keys, payment events,
 *     price overrides, AI models, users and subscriptions;
 *   - the app runs with PAYMENT_PROVIDER=stripe against a fake Stripe API: the Stripe webhook answers
 *     unsigned or wrongly signed garbage with 400, 413 or 415 only, and the local provider's signed
 *     payment webhook is closed: 404 to anything that parses, signed or not (400, 413 or 415 before).
 *
 * Requests go through node:http rather than fetch, so paths, headers and bodies reach the server
 * byte for byte (fetch would normalise `../`, refuse non-ASCII header values and GET bodies).
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { loginAdmin, registerUser, TestUser } from './support/factories.js';
import { FakeStripeApi } from './support/fake-stripe.js';
import { startTestApp, TestApp } from './support/test-app.js';
import { TEST_DB } from './support/test-database.js';

// ---------------------------------------------------------------------------------------------
// Settings

const SEED = 20_261_121;
/** Malformed bodies generated per operation; each is sent once per caller. */
const BODIES_PER_OPERATION = 24;
/** Requests in flight at once: enough to overlap, modest enough for a shared two-core machine. */
const CONCURRENCY = 6;
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789abcdef';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const UNKNOWN_UUID = 'c0ffee00-dead-4bad-8bad-0123456789ab';
const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

// ---------------------------------------------------------------------------------------------
// Raw HTTP

interface RawRequest {
  method: string;
  /** Sent as-is: already percent-encoded where it should be. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const headers: Record<string, string | string[]> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', (error) => !settled && reject(error));
    });
    // The server may answer (413) and close before the whole body is written: that is not an error.
    req.on('error', (error) => !settled && reject(error));
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.end(request.body);
  });
}

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (lone surrogates become U+FFFD). */
function encodeSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** A header value whose bytes on the wire are the UTF-8 form of `value` (node writes header strings as latin1). */
const utf8Header = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  /** A value of exactly one of these (e.g. an embeddings `input`: a string, strings, token ids...). */
  oneOf?: Schema[];
  example?: unknown;
  default?: unknown;
  /** null is accepted too. */
  nullable?: boolean;
  /** Set (true or a schema): properties not listed are accepted, so an extra one is no violation. */
  additionalProperties?: boolean | Schema;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface Operation {
  method: string;
  /** OpenAPI template, e.g. /api-keys/{id}. */
  template: string;
  parameters: Parameter[];
  bodySchema: Schema | null;
  isPublic: boolean;
  /** Documented to ignore properties it does not need (the provider's webhook). */
  ignoresUnknownProperties: boolean;
  signed: boolean;
  /** Verified with Stripe-Signature: nothing this suite sends is signed by Stripe. */
  stripeSigned: boolean;
  /** Admin-only: a normal user gets 403. */
  adminOnly: boolean;
  /** Needs a session (bearer access token only in its security): an API key gets 403. */
  sessionOnly: boolean;
  changesState: boolean;
  key: string;
}

function operationsOf(document: any): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<any>(document.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters: Parameter[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const signed = parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'x-signature');
      operations.push({
        method,
        template,
        parameters,
        bodySchema: op.requestBody?.content?.['application/json']?.schema ?? null,
        isPublic: !op.security || op.security.length === 0,
        ignoresUnknownProperties:
          /properties the event does not need are ignored/i.test(op.description ?? '') ||
          Boolean(op.requestBody?.content?.['application/json']?.schema?.additionalProperties),
        signed,
        stripeSigned: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'stripe-signature'),
        adminOnly: template.startsWith('/admin'),
        sessionOnly: Array.isArray(op.security) && op.security.length > 0 && !op.security.some((scheme: object) => 'api-key' in scheme),
        changesState: MUTATING.has(method),
        key: `${method.toUpperCase()} ${template}`,
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Values

const NUMBERS = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 53 + 1), -1, 0, 1.5, -0.5, 1e-300, 4_294_967_297];
const NUMERIC_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e308', '1', '0', '-1', '1.5', '0x10', '', ' 5 '];
const WEIRD_STRINGS = [
  '💥🔥👩‍👩‍👧‍👦'.repeat(3),
  'مرحبا بالعالم', // RTL
  '\u202Eevil\u202C',
  '\u0000',
  'nul\u0000in the middle',
  '\ud800', // lone high surrogate
  'x\udfffy', // lone low surrogate
  'x'.repeat(100_000),
  '<script>alert(1)</script>',
  "1' OR '1'='1",
  "'; DROP TABLE token_accounts; --",
  '../../etc/passwd',
  '%00',
  '\\\\\\',
  '${jndi:ldap://example.invalid/x}',
  '{{7*7}}',
  ' ',
  '\t\r\n',
  'null',
  '__proto__',
];

const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }),
  },
);
const weirdNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** Anything at all that JSON can carry, biased to nasty values. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  weirdNumber,
  fc.constantFrom(true, false, null, [], {}, [null], [[[]]], { '': '' }),
  fc.jsonValue({ maxDepth: 2 }),
);
const EXTRA_KEYS = [
  'role',
  'isAdmin',
  'balance',
  'userId',
  'cost',
  'amount',
  'id',
  'prototype',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '',
];

/** Validates against the OpenAPI document's schemas (its keywords of JSON Schema; `example` and such ignored). */
const ajv = new Ajv({ strict: false, allErrors: false });

/** Builds values from one request schema: valid examples, and values that always violate it. */
class SchemaFuzzer {
  constructor(private readonly schemas: Record<string, Schema>) {}

  /** Whether `value` breaks a `oneOf` schema: it is valid against none of its alternatives (checked, not assumed). */
  private breaksOneOf(s: Schema, value: unknown): boolean {
    return !ajv.validate({ oneOf: s.oneOf!.map((alternative) => this.resolve(alternative)) }, value);
  }

  resolve(schema: Schema): Schema {
    if (!schema.$ref) return schema;
    const name = schema.$ref.split('/').pop()!;
    const resolved = this.schemas[name];
    if (!resolved) throw new Error(`unresolved $ref ${schema.$ref}`);
    return this.resolve(resolved);
  }

  /** A value the schema accepts: documented examples first. */
  example(raw: Schema): unknown {
    const s = this.resolve(raw);
    if (s.example !== undefined && !(s.type === 'object' && s.properties)) return s.example;
    if (s.oneOf?.length) return this.example(s.oneOf[0]);
    if (s.enum?.length) return s.enum[0];
    switch (s.type) {
      case 'object': {
        const entries = Object.entries(s.properties ?? {}).filter(
          ([name, p]) => (s.required ?? []).includes(name) || this.resolve(p).example !== undefined,
        );
        return Object.fromEntries(entries.map(([name, p]) => [name, this.example(p)]));
      }
      case 'array':
        return [this.example(s.items ?? {})];
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return true;
      default:
        return 'example';
    }
  }

  /** Anything: the documented example most of the time, else a nasty value of any type. */
  noise(raw: Schema): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 3, arbitrary: fc.constant(this.example(raw)) }, { weight: 2, arbitrary: anyValue });
  }

  /** Values of another JSON type than the schema's. */
  wrongType(s: Schema): fc.Arbitrary<unknown> {
    const byType: Record<string, fc.Arbitrary<unknown>> = {
      string: weirdString,
      number: weirdNumber,
      boolean: fc.boolean(),
      array: fc.array(anyValue, { maxLength: 3 }),
      object: fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 3 }),
      null: fc.constant(null),
    };
    const type = s.type === 'integer' ? 'number' : (s.type ?? 'object');
    const numericString = type === 'number' ? [fc.constantFrom(...NUMERIC_STRINGS)] : [];
    return fc.oneof(
      ...Object.entries(byType)
        .filter(([t]) => t !== type && !(t === 'null' && s.nullable))
        .map(([, arbitrary]) => arbitrary),
      ...numericString,
    );
  }

  /** Values of the schema's type that break one of its declared constraints; null when it declares none. */
  brokenConstraint(s: Schema): fc.Arbitrary<unknown> | null {
    const options: fc.Arbitrary<unknown>[] = [];
    if (s.type === 'number' || s.type === 'integer') {
      if (s.minimum !== undefined)
        options.push(fc.constantFrom(s.minimum - 1, s.minimum - 0.5, -1e308, -(2 ** 53 + 1)).filter((n) => n < s.minimum!));
      if (s.maximum !== undefined) options.push(fc.constantFrom(s.maximum + 1, 1e308, 2 ** 53 + 1).filter((n) => n > s.maximum!));
      if (s.type === 'integer') options.push(fc.constantFrom(1.5, (s.minimum ?? 0) + 0.5, (s.maximum ?? 100) - 0.25));
    }
    if (s.type === 'string') {
      const length = (v: string) => [...v].length;
      if (s.maxLength !== undefined) {
        const max = s.maxLength;
        options.push(fc.constantFrom('x'.repeat(max + 1), '💥'.repeat(max + 1), 'x'.repeat(Math.max(100_000, max + 1))));
        options.push(fc.string({ unit: 'grapheme-ascii', minLength: max + 1, maxLength: max + 20 }).filter((v) => length(v) > max));
      }
      if (s.minLength !== undefined && s.minLength > 0) options.push(fc.constant('x'.repeat(s.minLength - 1)));
      if (s.pattern) {
        const pattern = new RegExp(s.pattern);
        options.push(weirdString.filter((v) => !pattern.test(v)));
      }
      if (s.enum?.length) options.push(weirdString.filter((v) => !s.enum!.includes(v)));
    }
    if (s.type === 'array') {
      const item = this.example(s.items ?? {});
      if (s.minItems !== undefined && s.minItems > 0) options.push(fc.constant([]));
      if (s.maxItems !== undefined) {
        const items = this.resolve(s.items ?? {}).enum ?? [item];
        options.push(fc.constant(Array.from({ length: s.maxItems + 1 }, (_, i) => items[i % items.length])));
      }
      if (s.uniqueItems) options.push(fc.constant([item, item]));
      if (s.items) options.push(this.violation(s.items).map((bad) => [bad]));
    }
    return options.length > 0 ? fc.oneof(...options) : null;
  }

  /** A value that violates the schema, whatever else it contains. */
  violation(raw: Schema, options: { extraIsViolation?: boolean } = {}): fc.Arbitrary<unknown> {
    const s = this.resolve(raw);
    // A value that breaks one alternative may be another's (a string is not an array, but is an input): kept only if it breaks them all.
    if (s.oneOf)
      return fc.oneof(...s.oneOf.map((alternative) => this.violation(alternative, options))).filter((v) => this.breaksOneOf(s, v));
    const broken = this.brokenConstraint(s);
    const choices: fc.Arbitrary<unknown>[] = [this.wrongType(s), ...(broken ? [broken] : [])];
    if (s.type === 'object' || s.properties)
      choices.push(...this.objectViolations(s, (options.extraIsViolation ?? true) && !s.additionalProperties));
    return fc.oneof(...choices);
  }

  /**
   * Every value of a fixed list that breaks one property of the schema and nothing else: each
   * boundary (minimum - 1, 0, -1, maximum + 1, a fraction for an integer, 2^53 + 1), each other
   * JSON type, a string one character too long or short, an unknown enum value, a too long or
   * short array. Generated bodies usually carry several defects at once, so a single missing
   * check would hide behind the others; these carry exactly one.
   */
  singleDefects(raw: Schema): { label: string; value: unknown }[] {
    const s = this.resolve(raw);
    if (s.oneOf) {
      const defects = s.oneOf.flatMap((alternative) => this.singleDefects(alternative)).filter(({ value }) => this.breaksOneOf(s, value));
      return defects.filter((defect, index) => defects.findIndex(({ label }) => label === defect.label) === index);
    }
    const defects: { label: string; value: unknown }[] = [];
    const type = s.type === 'integer' ? 'number' : s.type;
    const otherTypes: [string, unknown][] = (
      [
        ['string', type === 'number' ? '1' : 'x'],
        ['number', 1],
        ['boolean', true],
        ['array', []],
        ['object', {}],
      ] as [string, unknown][]
    ).filter(([t]) => t !== type && !(t === 'string' && s.enum?.includes('x')));
    for (const [t, value] of otherTypes) defects.push({ label: `a ${t}`, value });
    if (type === 'number') {
      const candidates: [string, number][] = [];
      if (s.minimum !== undefined) candidates.push(['minimum - 1', s.minimum - 1], ['0', 0], ['-1', -1], ['-(2^53 + 1)', -(2 ** 53 + 1)]);
      if (s.maximum !== undefined) candidates.push(['maximum + 1', s.maximum + 1], ['2^53 + 1', 2 ** 53 + 1], ['1e308', 1e308]);
      if (s.type === 'integer') candidates.push(['a fraction', (s.minimum ?? 0) + 0.5]);
      for (const [label, value] of candidates) {
        const broken =
          (s.minimum !== undefined && value < s.minimum) ||
          (s.maximum !== undefined && value > s.maximum) ||
          (s.type === 'integer' && !Number.isInteger(value));
        if (broken) defects.push({ label, value });
      }
    }
    if (type === 'string') {
      if (s.maxLength !== undefined) defects.push({ label: 'maxLength + 1 characters', value: 'x'.repeat(s.maxLength + 1) });
      if (s.minLength !== undefined && s.minLength > 0)
        defects.push({ label: 'minLength - 1 characters', value: 'x'.repeat(s.minLength - 1) });
      if (s.enum?.length) defects.push({ label: 'a value outside the enum', value: 'not-one-of-them' });
      if (s.pattern && !new RegExp(s.pattern).test('💥 not matching'))
        defects.push({ label: 'not matching the pattern', value: '💥 not matching' });
    }
    if (type === 'array') {
      const item = this.example(s.items ?? {});
      if (s.minItems !== undefined && s.minItems > 0) defects.push({ label: 'minItems - 1 items', value: [] });
      if (s.maxItems !== undefined) {
        const items = this.resolve(s.items ?? {}).enum ?? [item];
        defects.push({ label: 'maxItems + 1 items', value: Array.from({ length: s.maxItems + 1 }, (_, i) => items[i % items.length]) });
      }
      if (s.uniqueItems) defects.push({ label: 'a repeated item', value: [item, item] });
    }
    return defects;
  }

  /** The documented example of an object schema with exactly one property broken (or missing, when required). */
  singleDefectBodies(raw: Schema): { label: string; body: Record<string, unknown> }[] {
    const s = this.resolve(raw);
    const example = this.example(s) as Record<string, unknown>;
    const bodies: { label: string; body: Record<string, unknown> }[] = [];
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      if ((s.required ?? []).includes(name)) {
        const { [name]: _dropped, ...rest } = example;
        bodies.push({ label: `${name} missing`, body: rest });
      }
      for (const { label, value } of this.singleDefects(property))
        bodies.push({ label: `${name}: ${label}`, body: { ...example, [name]: value } });
    }
    return bodies;
  }

  private objectViolations(s: Schema, extraIsViolation: boolean): fc.Arbitrary<unknown>[] {
    const properties = Object.entries(s.properties ?? {});
    const required = new Set(s.required ?? []);
    /** Every property: present with noise (or absent when optional), unless overridden. */
    const build = (overrides: Record<string, fc.Arbitrary<unknown> | 'absent'>) =>
      fc
        .record({
          fields: fc.tuple(
            ...properties.map(([name, p]) => {
              const override = overrides[name];
              if (override === 'absent') return fc.constant(undefined);
              if (override) return override.map((v) => [name, v] as const);
              const present = this.noise(p).map((v) => [name, v] as const);
              return required.has(name) ? present : fc.option(present, { nil: undefined });
            }),
          ),
          extras: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), anyValue), {
            maxLength: extraIsViolation ? 2 : 1,
          }),
        })
        .map(({ fields, extras }) => {
          const known = fields.filter((f): f is readonly [string, unknown] => f !== undefined);
          const unknown = extras.filter(([key]) => !properties.some(([name]) => name === key));
          // fromEntries defines own properties, so "__proto__" is sent as a key rather than setting the prototype.
          return Object.fromEntries([...known, ...unknown]);
        });

    const violations: fc.Arbitrary<unknown>[] = [];
    for (const name of required) violations.push(build({ [name]: 'absent' }));
    for (const [name, p] of properties) violations.push(build({ [name]: this.violation(p) }));
    if (extraIsViolation) {
      violations.push(
        fc
          .tuple(
            build({}),
            fc.oneof(
              fc.constantFrom(...EXTRA_KEYS.filter((k) => !(k in (s.properties ?? {})))),
              fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in (s.properties ?? {}))),
            ),
            anyValue,
          )
          .map(([body, key, value]) => Object.fromEntries([...Object.entries(body as object), [key, value]])),
      );
    }
    return violations;
  }
}

/**
 * Whether Fastify's JSON parser refuses the text before any route code runs: it rejects
 * `__proto__` keys and `constructor.prototype` (prototype poisoning), answering 400 even to an
 * anonymous caller of a protected route.
 */
function parserRejects(json: string): boolean {
  let poisoned = false;
  JSON.parse(json, function (this: unknown, key, value) {
    if (
      key === '__proto__' ||
      (key === 'constructor' && value && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'prototype'))
    )
      poisoned = true;
    return value;
  });
  return poisoned;
}

/** `{"k":v,...}` with one more member in front. */
function withFirstKey(objectJson: string, member: string): string {
  return objectJson === '{}' ? `{${member}}` : `{${member},${objectJson.slice(1)}`;
}

/** A short, printable form of an input for failure messages. */
function show(value: unknown, max = 160): string {
  let text: string;
  try {
    text =
      typeof value === 'string'
        ? value
        : JSON.stringify(value, (_k, v) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length} chars)` : v));
  } catch {
    text = String(value);
  }
  text = text ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

// ---------------------------------------------------------------------------------------------
// Attempts and what counts as an offence

type Caller = 'anonymous' | 'user' | 'user-api-key' | 'admin';

interface Attempt {
  operation: Operation;
  caller: Caller;
  label: string;
  request: RawRequest;
  /** The input, for the failure message. */
  input: unknown;
  /**
   * refused: must be a 4xx (the request is malformed for an operation that changes state);
   * unauthenticated: must be exactly 401; any: anything below 500.
   */
  expect: 'refused' | 'unauthenticated' | 'any';
  /** Statuses allowed besides the rules above (the webhook allows only these). */
  allowed?: number[];
  /** A request id sent as garbage: the answer must carry a fresh, well-formed one instead. */
  garbageRequestId?: string;
}

interface Offence {
  offence: string;
  request: string;
  caller: Caller;
  case: string;
  input: string;
  status: number | string;
  body: string;
}

function judge(attempt: Attempt, response: RawResponse): string[] {
  const problems: string[] = [];
  const { status, json } = response;
  if (status >= 500) problems.push('5xx');
  if (status >= 400 && status < 500) {
    const shapeOk =
      json &&
      typeof json === 'object' &&
      json.statusCode === status &&
      typeof json.code === 'string' &&
      UPPER_SNAKE.test(json.code) &&
      typeof json.message === 'string' &&
      json.message.length > 0;
    if (!shapeOk) problems.push('error body is not { statusCode, code, message }');
    else if (status === 400 && (json.code !== 'VALIDATION_FAILED' || !Array.isArray(json.details)))
      problems.push('400 without VALIDATION_FAILED and details');
  }
  if (attempt.expect === 'refused' && status < 400) problems.push('malformed request accepted');
  if (attempt.expect === 'unauthenticated' && status !== 401) problems.push('bad credentials not answered 401');
  if (attempt.allowed && !attempt.allowed.includes(status)) problems.push(`status outside ${attempt.allowed.join('/')}`);
  const requestId = response.headers['x-request-id'];
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) problems.push('X-Request-Id missing or malformed in the answer');
  else if (attempt.garbageRequestId !== undefined && requestId === attempt.garbageRequestId) problems.push('garbage X-Request-Id echoed');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The suite

describe(`fuzzing every operation of the OpenAPI document (${TEST_DB})`, () => {
  let t: TestApp;
  const stripe = new FakeStripeApi();
  let port: number;
  let operations: Operation[];
  let fuzzer: SchemaFuzzer;
  let user: TestUser;
  let userApiKey: string;
  let victim: TestUser;
  let victimKeyId: string;
  let adminToken: string;
  let before: Snapshot;
  let requestsSent = 0;
  /** Answers by status, for the summary at the end. */
  const statuses = new Map<number | string, number>();

  type Snapshot = Record<string, unknown[]>;

  /** Everything bad input must not change. api_keys.last_used_at is left out: using a key legitimately stamps it. */
  async function snapshot(): Promise<Snapshot> {
    const q = (sql: string) =>
      t.dataSource.query(sql).then((rows: Record<string, unknown>[]) =>
        rows.map((row) =>
          Object.values(row)
            .map((v) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v)))
            .join(' | '),
        ),
      );
    return {
      token_accounts: await q('SELECT user_id, balance, used_this_period, ledger_seq, period_end FROM token_accounts ORDER BY user_id'),
      token_ledger_entries: await q('SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM token_ledger_entries'),
      users: await q('SELECT id, email, name, role FROM users ORDER BY id'),
      subscriptions: await q('SELECT user_id, plan_code, tokens_limit, status, period_end FROM subscriptions ORDER BY user_id'),
      api_keys: await q('SELECT id, user_id, name, revoked_at FROM api_keys ORDER BY id'),
      purchases: await q('SELECT id, user_id, status, ledger_entry_id FROM purchases ORDER BY id'),
      payment_events: await q('SELECT COUNT(*) AS n FROM payment_events'),
      token_price_overrides: await q('SELECT action, scope, scope_ref, cost FROM token_price_overrides ORDER BY action, scope, scope_ref'),
      token_price_revision: await q('SELECT revision FROM token_price_revision'),
      ai_models: await q('SELECT model, input_per_1k, output_per_1k, max_output_tokens FROM ai_models ORDER BY model'),
      idempotency_keys: await q('SELECT COUNT(*) AS n FROM idempotency_keys'),
    };
  }

  function authHeaders(caller: Caller): Record<string, string> {
    if (caller === 'user') return { authorization: `Bearer ${user.token}` };
    if (caller === 'user-api-key') return { 'x-api-key': userApiKey };
    if (caller === 'admin') return { authorization: `Bearer ${adminToken}` };
    return {};
  }

  /** Plausible values for path parameters: real resources of another user, so a successful call would show. */
  function pathValue(parameter: Parameter): string {
    if (parameter.name === 'userId') return victim.id;
    if (parameter.name === 'id') return victimKeyId;
    const example = parameter.example ?? parameter.schema?.example;
    return typeof example === 'string' ? example : UNKNOWN_UUID;
  }

  function pathOf(operation: Operation, overrides: Record<string, string> = {}): string {
    return operation.template.replace(
      /\{([^}]+)\}/g,
      (_m, name: string) => overrides[name] ?? encodeSegment(pathValue(operation.parameters.find((p) => p.name === name)!)),
    );
  }

  const jsonHeaders = { 'content-type': 'application/json' };
  const sign = (body: string | Buffer) => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

  /** Who calls an operation: public ones anonymously and as a user, the others also by API key and as the admin. */
  function callersOf(operation: Operation): Caller[] {
    return operation.isPublic ? ['anonymous', 'user'] : ['anonymous', 'user', 'user-api-key', 'admin'];
  }

  /** A caller refused with 403 before the body is looked at: a non-admin on an admin route, an API key on a session route. */
  const forbidden = (operation: Operation, caller: Caller) =>
    (operation.adminOnly && caller !== 'admin') || (operation.sessionOnly && caller === 'user-api-key');

  /** What an attempt must get, from the operation, the caller and whether the request reaches authentication. */
  function expectationOf(
    operation: Operation,
    caller: Caller,
    parsedBody: boolean,
    malformed: boolean,
  ): Pick<Attempt, 'expect' | 'allowed'> {
    if (operation.signed) return { expect: 'refused', allowed: [400, 404, 413, 415] };
    if (operation.stripeSigned) return { expect: 'refused', allowed: [400, 413, 415] };
    if (!operation.isPublic && caller === 'anonymous' && parsedBody) return { expect: 'unauthenticated' };
    return { expect: malformed && operation.changesState ? 'refused' : 'any' };
  }

  /**
   * A malformed body sent by every caller of the operation: anonymous gets 401 on a protected one,
   * a normal user 403 on an admin one, everyone else 400. Validation answers before anything else
   * can: a 402, 404 or 409 would mean the body got past it.
   */
  function malformedBodyAttempts(operation: Operation, label: string, body: unknown): Attempt[] {
    const json = JSON.stringify(body) ?? 'null';
    return callersOf(operation).map((caller) => ({
      operation,
      caller,
      label,
      input: body,
      request: {
        method: operation.method.toUpperCase(),
        path: pathOf(operation),
        headers: { ...jsonHeaders, ...authHeaders(caller) },
        body: json,
      },
      ...expectationOf(operation, caller, !parserRejects(json), true),
      ...(caller !== 'anonymous' && { allowed: forbidden(operation, caller) && !parserRejects(json) ? [403] : [400] }),
    }));
  }

  async function run(attempts: Attempt[]): Promise<Offence[]> {
    const offences: Offence[] = [];
    let next = 0;
    const worker = async () => {
      while (next < attempts.length) {
        const attempt = attempts[next++];
        requestsSent++;
        let problems: string[];
        let response: RawResponse | undefined;
        try {
          response = await send(port, attempt.request);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          problems = judge(attempt, response);
        } catch (error) {
          problems = [`no answer: ${(error as Error).message}`];
        }
        for (const offence of problems) {
          offences.push({
            offence,
            request: `${attempt.request.method} ${show(attempt.request.path, 120)}`,
            caller: attempt.caller,
            case: attempt.label,
            input: show(attempt.input),
            status: response?.status ?? 'none',
            body: show(response?.text ?? ''),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return offences;
  }

  /** Fails with every offence listed (method, path, caller, input, status, body). */
  function expectNoOffences(offences: Offence[], attempted: number): void {
    const report = offences
      .slice(0, 40)
      .map((o) => `${o.offence}: ${o.request} as ${o.caller} [${o.case}] input=${o.input} -> ${o.status} ${o.body}`);
    if (offences.length > 40) report.push(`... and ${offences.length - 40} more`);
    expect({ attempted, offences: report }).toEqual({ attempted, offences: [] });
  }

  async function expectNothingChanged(): Promise<void> {
    expect(await snapshot()).toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET, ...stripe.env(await stripe.start()) } });
    port = (t.app.getHttpServer().address() as { port: number }).port;
    adminToken = await loginAdmin(t.http);
    user = await registerUser(t.http, { name: 'Fuzz user' });
    victim = await registerUser(t.http, { name: 'Victim' });
    userApiKey = (await t.http.post('/api-keys', { name: 'fuzz key' }, { token: user.token })).body.key;
    victimKeyId = (await t.http.post('/api-keys', { name: 'victim key' }, { token: victim.token })).body.id;
    // State that a wrongly accepted request could change: a pending purchase and price overrides.
    expect((await t.http.post('/billing/checkout', { packageCode: 'tokens_1k' }, { token: victim.token })).status).toBe(201);
    expect((await t.http.put('/admin/costs/generate_seo_title', { cost: 250, planCode: 'pro' }, { token: adminToken })).status).toBe(200);
    expect((await t.http.put('/admin/costs/ai_chat_message', { cost: 2, userId: victim.id }, { token: adminToken })).status).toBe(200);

    const document = (await t.http.get('/docs-json')).body;
    operations = operationsOf(document);
    fuzzer = new SchemaFuzzer(document.components?.schemas ?? {});
    before = await snapshot();
  });

  afterAll(async () => {
    agent.destroy();
    await t?.close();
    await stripe.stop();
  });

  it('the document lists the whole API: at least 25 operations, each with a request schema where it takes a body', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    const keys = operations.map((o) => o.key);
    // A few operations of every area, so a document that lost a module fails here.
    for (const key of [
      'POST /auth/register',
      'POST /services/chat',
      'POST /admin/users/{userId}/tokens/grant',
      'POST /billing/webhooks/payment',
      'DELETE /api-keys/{id}',
      'GET /tokens/transactions',
    ]) {
      expect(keys).toContain(key);
    }
    for (const operation of operations.filter((o) => o.method === 'post' || o.method === 'put')) {
      expect({ operation: operation.key, hasSchema: operation.bodySchema !== null }).toEqual({ operation: operation.key, hasSchema: true });
    }
    expect(operations.filter((o) => o.signed).map((o) => o.key)).toEqual(['POST /billing/webhooks/payment']);
    expect(operations.filter((o) => o.stripeSigned).map((o) => o.key)).toEqual(['POST /billing/webhooks/stripe']);
    expect(operations.filter((o) => o.adminOnly).length).toBeGreaterThanOrEqual(8);
  });

  it('bodies generated to violate each request schema are refused with a 4xx by every caller, and change nothing', async () => {
    const attempts: Attempt[] = [];
    operations.forEach((operation, index) => {
      if (!operation.bodySchema) return;
      const generated = fc.sample(fuzzer.violation(operation.bodySchema, { extraIsViolation: !operation.ignoresUnknownProperties }), {
        seed: SEED + index,
        numRuns: BODIES_PER_OPERATION,
      });
      // Always, whatever the seed: the valid example plus one property named like something every object inherits.
      const example = fuzzer.example(operation.bodySchema) as Record<string, unknown>;
      const inherited = operation.ignoresUnknownProperties
        ? []
        : ['constructor', 'prototype', 'hasOwnProperty', 'toString'].map((key) =>
            Object.fromEntries([...Object.entries(example), [key, 0]]),
          );
      [...inherited, ...generated].forEach((body, n) => {
        const json = JSON.stringify(body) ?? 'null';
        const label =
          n < inherited.length
            ? 'example with an inherited property name'
            : `schema violation #${n - inherited.length} (seed ${SEED + index})`;
        if (operation.signed) {
          // Unsigned, wrongly signed and correctly signed: with Stripe, all closed alike.
          const refused = parserRejects(json) ? [400] : [404];
          for (const [caller, signature, allowed] of [
            ['anonymous', undefined, refused],
            ['anonymous', 'f'.repeat(64), refused],
            ['anonymous', sign(json), refused],
          ] as const) {
            const headers: Record<string, string> = { ...jsonHeaders, ...(signature ? { 'x-signature': signature } : {}) };
            attempts.push({
              operation,
              caller,
              label: `${label}, ${signature ? (signature === sign(json) ? 'signed' : 'bad signature') : 'unsigned'}`,
              input: body,
              request: { method: operation.method.toUpperCase(), path: pathOf(operation), headers, body: json },
              expect: 'refused',
              allowed: [...allowed],
            });
          }
          return;
        }
        if (operation.stripeSigned) {
          // A well-formed but forged Stripe-Signature: still refused before the body means anything.
          const headers = { ...jsonHeaders, 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'f'.repeat(64)}` };
          attempts.push({
            operation,
            caller: 'anonymous',
            label: `${label}, forged Stripe-Signature`,
            input: body,
            request: { method: 'POST', path: pathOf(operation), headers, body: json },
            expect: 'refused',
            allowed: [400],
          });
        }
        attempts.push(...malformedBodyAttempts(operation, label, body));
      });
    });
    expect(attempts.length).toBeGreaterThan(200);
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('the documented example with exactly one property broken is refused with 400 by every caller that may call it, and changes nothing', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations) {
      if (!operation.bodySchema || operation.signed) continue;
      for (const { label, body } of fuzzer.singleDefectBodies(operation.bodySchema))
        attempts.push(...malformedBodyAttempts(operation, label, body));
    }
    // The signed webhook: correctly signed, and still closed (404) with Stripe.
    const webhook = operations.find((o) => o.signed)!;
    for (const { label, body } of webhook.ignoresUnknownProperties ? [] : fuzzer.singleDefectBodies(webhook.bodySchema!)) {
      const json = JSON.stringify(body);
      attempts.push({
        operation: webhook,
        caller: 'anonymous',
        label,
        input: body,
        request: { method: 'POST', path: pathOf(webhook), headers: { ...jsonHeaders, 'x-signature': sign(json) }, body: json },
        expect: 'refused',
        allowed: [404],
      });
    }
    expect(attempts.length).toBeGreaterThan(300);
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('invalid JSON, bodies over 1 MiB, wrong content types and duplicate keys are refused with a 4xx, and change nothing', async () => {
    const attempts: Attempt[] = [];
    const huge = `{"text":"${'x'.repeat(1024 * 1024 + 10)}"}`;
    for (const operation of operations) {
      const example = operation.bodySchema ? JSON.stringify(fuzzer.example(operation.bodySchema)) : '{}';
      const firstRequired = operation.bodySchema ? (fuzzer.resolve(operation.bodySchema).required ?? [])[0] : undefined;
      const raws: { label: string; body: string | Buffer; contentType?: string }[] = [
        { label: 'truncated JSON', body: '{"a":' },
        { label: 'truncated example', body: example.slice(0, -1) },
        { label: 'trailing garbage', body: `${example}}` },
        // (An example without strings, such as the empty body of a logout, has no quotes to break.)
        ...(example.includes('"') ? [{ label: 'single quotes', body: example.replace(/"/g, "'") }] : []),
        { label: 'NaN literal', body: '{"amount": NaN}' },
        { label: 'bare word', body: 'undefined' },
        { label: 'empty body', body: '' },
        { label: 'forbidden __proto__ key', body: withFirstKey(example, '"__proto__":{"role":"admin"}') },
        { label: 'constructor.prototype key', body: withFirstKey(example, '"constructor":{"prototype":{"isAdmin":true}}') },
        { label: 'invalid UTF-8 bytes', body: Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]) },
        { label: 'UTF-16 body', body: Buffer.from(example, 'utf16le'), contentType: 'application/json; charset=utf-16le' },
        { label: 'deeply nested', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
        { label: 'over 1 MiB', body: huge },
        // The example body is valid JSON: only its content type is wrong, so a 2xx would mean it was processed.
        { label: 'text/plain', body: example, contentType: 'text/plain' },
        {
          label: 'form encoded',
          body: 'email=a%40b.test&password=password-123&message=hi',
          contentType: 'application/x-www-form-urlencoded',
        },
        {
          label: 'multipart',
          body: '--x\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--x--\r\n',
          contentType: 'multipart/form-data; boundary=x',
        },
        { label: 'xml', body: '<message>hi</message>', contentType: 'application/xml' },
        { label: 'json look-alike type', body: example, contentType: 'application/jsonx' },
        { label: 'empty content type', body: example, contentType: '' },
      ];
      if (firstRequired)
        raws.push({ label: 'duplicate key, the last one null', body: `${example.slice(0, -1)},${JSON.stringify(firstRequired)}:null}` });
      if (!operation.bodySchema) raws.push({ label: 'a JSON body where none is expected', body: '{"role":"admin"}' });
      for (const raw of raws) {
        // A GET with a body is legal HTTP; the server must simply not fall over.
        for (const caller of operation.signed ? (['anonymous'] as Caller[]) : callersOf(operation)) {
          const headers: Record<string, string> = { 'content-type': raw.contentType ?? 'application/json', ...authHeaders(caller) };
          if (operation.signed) headers['x-signature'] = sign(raw.body);
          attempts.push({
            operation,
            caller,
            label: raw.label,
            input: Buffer.isBuffer(raw.body) ? `<${raw.body.length} bytes>` : raw.body,
            request: { method: operation.method.toUpperCase(), path: pathOf(operation), headers, body: raw.body },
            expect: operation.changesState ? 'refused' : 'any',
            ...(operation.signed && { allowed: [400, 404, 413, 415] }),
            ...(operation.stripeSigned && { allowed: [400, 413, 415] }),
          });
        }
      }
    }
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('garbage path parameters are refused by every operation that changes state, never a 5xx, and change nothing', async () => {
    const generated = fc
      .sample(
        weirdString.filter((s) => s.length > 0),
        { seed: SEED, numRuns: 12 },
      )
      .map((s, i) => [`generated #${i}`, encodeSegment(s)] as const);
    const garbage: (readonly [string, string])[] = [
      ['dot segments', '../../etc'],
      ['encoded dot segments', '..%2F..%2Fetc%2Fpasswd'],
      ['dot', '.'],
      ['NUL', '%00'],
      ['lone percent', '%'],
      ['broken escape', '%E0%A4%A'],
      ['encoded lone surrogate', '%ED%A0%80'],
      ['300 characters', 'a'.repeat(300)],
      ['unknown UUID', UNKNOWN_UUID],
      ['nil UUID', '00000000-0000-0000-0000-000000000000'],
      ['UUID in braces', encodeSegment(`{${UNKNOWN_UUID}}`)],
      ['SQL', encodeSegment("1' OR '1'='1")],
      ['SQL with comment', encodeSegment("x' OR 1=1 --")],
      ['emoji', encodeSegment('💥')],
      ['RTL override', encodeSegment('\u202Eabc')],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['toString', 'tostring'],
      ['-1', '-1'],
      ['1e308', '1e308'],
      ['null', 'null'],
      ['space', '%20'],
      ['script', encodeSegment('<script>alert(1)</script>')],
      ...generated,
    ];
    /**
     * A value the parameter's documented pattern accepts is a well-formed name, not garbage: a route
     * that creates what it names (PUT /admin/models/{model}) rightly accepts `null` or `1e308`.
     */
    const wellFormed = (parameter: Parameter, encoded: string): boolean => {
      if (!parameter.schema?.pattern) return false;
      try {
        return new RegExp(parameter.schema.pattern).test(decodeURIComponent(encoded));
      } catch {
        return false;
      }
    };
    const attempts: Attempt[] = [];
    for (const operation of operations) {
      const pathParameters = operation.parameters.filter((p) => p.in === 'path');
      if (pathParameters.length === 0) continue;
      const example = operation.bodySchema ? JSON.stringify(fuzzer.example(operation.bodySchema)) : undefined;
      for (const parameter of pathParameters) {
        for (const [label, value] of garbage) {
          if (wellFormed(parameter, value)) continue;
          for (const caller of callersOf(operation)) {
            const headers = { ...(example !== undefined ? jsonHeaders : {}), ...authHeaders(caller) };
            attempts.push({
              operation,
              caller,
              label: `${parameter.name}: ${label}`,
              input: value,
              // The body is the documented example: the path parameter is the only thing wrong.
              request: {
                method: operation.method.toUpperCase(),
                path: pathOf(operation, { [parameter.name]: value }),
                headers,
                body: example,
              },
              expect: operation.changesState ? 'refused' : 'any',
            });
          }
        }
      }
    }
    expect(attempts.length).toBeGreaterThan(100);
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('garbage query parameters are refused or ignored, never a 5xx, and change nothing', async () => {
    const generic = [
      '-1',
      '1e9',
      '0',
      '1.5',
      'abc',
      '',
      'NaN',
      '9'.repeat(400),
      '<script>alert(1)</script>',
      "1' OR '1'='1",
      '__proto__',
      '\u0000',
      '💥\u202E',
      '\ud800',
    ].map(encodeSegment);
    generic.push('%', '%zz', '%E0%A4%A');
    const attempts: Attempt[] = [];
    for (const operation of operations) {
      const queryParameters = operation.parameters.filter((p) => p.in === 'query');
      if (queryParameters.length === 0) continue;
      const queries: [string, string][] = [
        ['unknown parameter', 'foo=bar'],
        ['prototype pollution', '__proto__[role]=admin&constructor[prototype][role]=admin'],
        ['bracket syntax', `${queryParameters[0].name}[a]=1`],
      ];
      for (const parameter of queryParameters) {
        for (const value of generic) queries.push([`${parameter.name}=${show(value, 30)}`, `${parameter.name}=${value}`]);
        const example = String(parameter.schema?.example ?? parameter.schema?.enum?.[0] ?? parameter.schema?.default ?? '1');
        queries.push([
          `${parameter.name} twice`,
          `${parameter.name}=${encodeSegment(example)}&${parameter.name}=${encodeSegment(example)}`,
        ]);
        queries.push([`${parameter.name} as array`, `${parameter.name}[]=${encodeSegment(example)}`]);
      }
      const extra = fc.sample(fc.tuple(fc.constantFrom(...queryParameters.map((p) => p.name)), weirdString), { seed: SEED, numRuns: 8 });
      extra.forEach(([name, value], i) => queries.push([`generated #${i}`, `${name}=${encodeSegment(value)}`]));
      for (const [label, query] of queries) {
        for (const caller of callersOf(operation)) {
          attempts.push({
            operation,
            caller,
            label,
            input: query,
            request: { method: operation.method.toUpperCase(), path: `${pathOf(operation)}?${query}`, headers: authHeaders(caller) },
            ...expectationOf(operation, caller, true, true),
          });
        }
      }
    }
    expect(attempts.length).toBeGreaterThan(50);
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('garbage credentials are 401 on every protected operation; garbage Idempotency-Key and X-Request-Id never pass through', async () => {
    const alg = (header: object, payload: object) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    const badAuthorization = [
      'Bearer ',
      'Bearer',
      `Bearer ${'x'.repeat(1000)}`,
      'Bearer a.b.c',
      `Bearer ${user.token}x`,
      `Bearer ${alg({ alg: 'none', typ: 'JWT' }, { sub: user.id, role: 'admin' })}`,
      `Bearer ${utf8Header('ключ-💥')}`,
      "Bearer ' OR 1=1 --",
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Token ${user.token}`,
    ];
    const badApiKeys = ['tk_', `tk_${'x'.repeat(200)}`, "tk_' OR 1=1 --", utf8Header('tk_ключ'), 'x'.repeat(1000), `${userApiKey}x`];
    const badIdempotencyKeys: (string | string[])[] = [
      'k'.repeat(1000),
      'k'.repeat(256),
      utf8Header('ключ-🔑'),
      '',
      'with space',
      'tab\there',
      ['same', 'twice'],
    ];
    const badRequestIds = ['r'.repeat(1000), '<script>alert(1)</script>', utf8Header('ид-💥'), '../../etc', "' OR 1=1 --", 'a\tb', ''];

    const attempts: Attempt[] = [];
    operations.forEach((operation, index) => {
      const malformed = operation.bodySchema
        ? fc.sample(fuzzer.violation(operation.bodySchema, { extraIsViolation: !operation.ignoresUnknownProperties }), {
            seed: SEED + index,
            numRuns: 1,
          })[0]
        : undefined;
      const body = malformed === undefined ? undefined : JSON.stringify(malformed);
      const base = { method: operation.method.toUpperCase(), path: pathOf(operation), body };
      const withBody = (headers: Record<string, string | string[]>) => ({
        ...base,
        headers: { ...(body !== undefined ? jsonHeaders : {}), ...headers },
      });
      const parsed = body === undefined || !parserRejects(body);
      for (const authorization of badAuthorization) {
        attempts.push({
          operation,
          caller: 'anonymous',
          label: 'bad Authorization',
          input: authorization,
          request: withBody({ authorization }),
          ...(operation.isPublic || !parsed ? expectationOf(operation, 'anonymous', parsed, true) : { expect: 'unauthenticated' }),
        });
      }
      for (const apiKey of badApiKeys) {
        attempts.push({
          operation,
          caller: 'anonymous',
          label: 'bad X-API-Key',
          input: apiKey,
          // A bad key is not overridden by a good bearer token.
          request: withBody({ 'x-api-key': apiKey, authorization: `Bearer ${user.token}` }),
          ...(operation.isPublic || !parsed ? expectationOf(operation, 'anonymous', parsed, true) : { expect: 'unauthenticated' }),
        });
      }
      for (const requestId of badRequestIds) {
        attempts.push({
          operation,
          caller: 'user',
          label: 'bad X-Request-Id',
          input: requestId,
          request: withBody({ 'x-request-id': requestId, ...authHeaders('user') }),
          garbageRequestId: requestId,
          ...expectationOf(operation, 'user', true, true),
        });
      }
      if (operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')) {
        // The documented example body: the key is the only thing wrong, so it must be refused before any charge.
        const example = JSON.stringify(fuzzer.example(operation.bodySchema!));
        for (const key of badIdempotencyKeys) {
          for (const caller of ['user', 'user-api-key', 'admin'] as Caller[]) {
            attempts.push({
              operation,
              caller,
              label: 'bad Idempotency-Key',
              input: key,
              request: { ...base, body: example, headers: { ...jsonHeaders, ...authHeaders(caller), 'idempotency-key': key } },
              expect: 'refused',
              // An admin route refuses a non-admin before it reads the key.
              allowed: forbidden(operation, caller) ? [403] : [400],
            });
          }
        }
      }
    });
    expectNoOffences(await run(attempts), attempts.length);
    await expectNothingChanged();
  });

  it('afterwards the app is healthy and a valid request is served and charged exactly once', async () => {
    expect((await t.http.get('/health')).status).toBe(200);
    const chat = await t.http.post('/services/chat', { message: 'still there?' }, { token: user.token });
    expect(chat.status).toBe(201);
    expect(chat.headers.get('x-tokens-charged')).toBe('1');
    const after = await snapshot();
    const account = (s: Snapshot) => (s.token_accounts as string[]).find((row) => row.startsWith(user.id))!.split(' | ');
    // Only the fuzz user's balance moved, by exactly the one token of this request.
    expect(Number(account(after)[1])).toBe(Number(account(before)[1]) - 1);
    expect(after.token_accounts.filter((row) => !(row as string).startsWith(user.id))).toEqual(
      before.token_accounts.filter((row) => !(row as string).startsWith(user.id)),
    );
    const byStatus = [...statuses].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([status, n]) => `${status}: ${n}`);
    console.log(`fuzz (${TEST_DB}): ${operations.length} operations, ${requestsSent} requests (${byStatus.join(', ')})`);
  });
});
