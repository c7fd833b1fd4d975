/**
 * Reading a JSON schema as a client sent it (zod's z.toJSONSchema, zod-to-json-schema, the SDKs'
 * helpers): follows `$ref` within the document and folds `allOf` into one schema, so the value
 * generator (json-value.ts) sees plain keywords. Anything it does not understand reads as `{}` (any
 * value), never as an error: the schema is the client's, not ours.
 */

/** A schema object (a boolean schema reads as `{}` for true and FALSE_SCHEMA for false). */
export type Schema = Record<string, unknown>;

/** What `false` (no value is valid) reads as: nothing can satisfy it, so any value will do. */
const FALSE_SCHEMA: Schema = {};
/** Most `$ref`s or `allOf`s followed to read one schema; a longer chain (or a cycle) reads as `{}`. */
const MAX_HOPS = 32;
/** Work (schemas read, properties copied by merges) one generated value may take, however the schema reuses its parts. */
export const MAX_SCHEMA_WORK = 50_000;

/**
 * The work left to one value's generation, shared by all the schemas it reads, and the `$ref`s it
 * has read (null while one is being read: a `$ref` back to it reads as `{}`), so `$ref`s fanning out
 * cannot multiply the work.
 */
export interface SchemaBudget {
  work: number;
  refs: Map<string, Schema | null>;
}

export const newBudget = (): SchemaBudget => ({ work: MAX_SCHEMA_WORK, refs: new Map() });

export const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The own property `key` of a schema object (never one of Object.prototype's). */
export function keyword(schema: Schema, key: string): unknown {
  return Object.hasOwn(schema, key) ? schema[key] : undefined;
}

/** A finite number keyword, or undefined. */
export function numberKeyword(schema: Schema, key: string): number | undefined {
  const value = keyword(schema, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The target of a `$ref`: `#` or a JSON pointer into the root document (`#/$defs/X`, `#/definitions/X`, `#/properties/a`). */
function target(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return {};
  let current: unknown = root;
  for (const token of ref.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
    } catch {
      return {};
    }
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return {};
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Two schemas both must satisfy, as one (a shallow merge): properties side by side, `required`
 * joined, any other keyword taken from `extra`. Exact for what SDKs generate (intersections of
 * objects, `$ref` with a description beside it).
 */
export function merged(base: Schema, extra: Schema, budget: SchemaBudget): Schema {
  const extraKeys = Object.keys(extra).length;
  if (extraKeys === 0) return base;
  // Copying takes as long as the schemas are wide: paid for before it is done.
  budget.work -= Object.keys(base).length + extraKeys;
  if (budget.work < 0) return base;
  const result: Schema = { ...base, ...extra };
  const properties = [keyword(base, 'properties'), keyword(extra, 'properties')].filter(isSchema);
  if (properties.length === 2) {
    const both = { ...properties[0], ...properties[1] };
    budget.work -= Object.keys(both).length;
    result.properties = both;
  }
  const required = [keyword(base, 'required'), keyword(extra, 'required')].filter((list) => Array.isArray(list)).flat();
  if (required.length > 0) result.required = [...new Set(required)];
  return result;
}

/** The schema `ref` points to, resolved: read once per generation. */
function referenced(root: unknown, ref: string, budget: SchemaBudget, hops: number): Schema {
  const known = budget.refs.get(ref);
  if (known !== undefined) return known ?? {};
  budget.refs.set(ref, null);
  const schema = resolved(root, target(root, ref), budget, hops + 1);
  budget.refs.set(ref, schema);
  return schema;
}

/** `schema` with its `$ref` followed and its `allOf` folded in, in at most MAX_HOPS steps and within the budget. */
export function resolved(root: unknown, schema: unknown, budget: SchemaBudget, hops = 0): Schema {
  if (schema === false) return FALSE_SCHEMA;
  if (!isSchema(schema) || hops > MAX_HOPS || --budget.work < 0) return {};
  let result = schema;
  const ref = keyword(result, '$ref');
  if (typeof ref === 'string') {
    const { $ref: _ref, ...siblings } = result;
    result = merged(referenced(root, ref, budget, hops), siblings, budget);
  }
  const allOf = keyword(result, 'allOf');
  if (Array.isArray(allOf)) {
    const { allOf: _allOf, ...rest } = result;
    result = allOf.reduce<Schema>((all, part) => merged(all, resolved(root, part, budget, hops + 1), budget), rest);
  }
  return result;
}

/** The JSON types a schema allows (its `type`, or what its keywords imply); empty when it says nothing. */
export function typesOf(schema: Schema): string[] {
  const type = keyword(schema, 'type');
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((entry): entry is string => typeof entry === 'string');
  const has = (...keys: string[]) => keys.some((key) => keyword(schema, key) !== undefined);
  if (has('properties', 'required', 'additionalProperties', 'propertyNames', 'minProperties')) return ['object'];
  if (has('items', 'prefixItems', 'minItems', 'maxItems')) return ['array'];
  if (has('minLength', 'maxLength', 'format', 'pattern')) return ['string'];
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return ['number'];
  return [];
}
