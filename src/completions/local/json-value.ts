import { numberOf, stringOf } from './json-scalars.js';
import {
  isSchema,
  keyword,
  merged,
  newBudget,
  numberKeyword,
  resolved,
  typesOf,
  type Schema,
  type SchemaBudget,
} from './json-schema-view.js';
import type { SeededRandom } from './seeded-random.js';

/** From this depth on, values are as small as the schema allows: no optional properties, fewest items, null where allowed. */
export const SHALLOW_DEPTH = 4;
/** Deeper than this, a value is null whatever the schema says (a recursive schema that requires endless nesting). */
export const MAX_DEPTH = 24;
/** Most values (and string pieces of 16 characters) in one generated value; past it, the rest are null. */
export const MAX_NODES = 2_000;
/** anyOf/oneOf branches followed in a row without reaching a value (a `$ref` cycle through them); past it, null. */
const MAX_BRANCH_HOPS = 32;
/** Most items of one array (a larger minItems is not met: the answer stays small). */
export const MAX_ITEMS = 64;

/**
 * A value valid against a JSON schema, drawn from a seeded random source: objects (properties,
 * required, additionalProperties, min/maxProperties), strings (enum, min/maxLength, the common
 * formats), numbers and integers (bounds, exclusive bounds, multipleOf), booleans, null, enum,
 * const, arrays (items, tuples, min/maxItems), anyOf/oneOf, type lists and `$ref` within the
 * document. Its size is bounded (MAX_NODES, MAX_ITEMS, MAX_STRING_LENGTH, MAX_DEPTH), whatever the
 * schema: a schema that asks for more gets a value that does not meet it, never a long wait.
 * `pattern`, `not` and `contains` are not honoured.
 */
export function jsonValueOf(schema: unknown, random: SeededRandom): unknown {
  return new JsonValueGenerator(schema, random).valueOf(schema, 0);
}

class JsonValueGenerator {
  private nodes = 0;
  private readonly budget: SchemaBudget = newBudget();

  constructor(
    private readonly root: unknown,
    private readonly random: SeededRandom,
  ) {}

  valueOf(raw: unknown, depth: number, branchHops = 0): unknown {
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH || branchHops > MAX_BRANCH_HOPS || this.budget.work < 0) return null;
    const schema = resolved(this.root, raw, this.budget);
    if (keyword(schema, 'const') !== undefined) return keyword(schema, 'const');
    const choices = keyword(schema, 'enum');
    if (Array.isArray(choices) && choices.length > 0) return this.random.pick(choices);
    const branches = [keyword(schema, 'anyOf'), keyword(schema, 'oneOf')].find((value) => Array.isArray(value) && value.length > 0);
    if (Array.isArray(branches)) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
      const branch = resolved(this.root, this.branchOf(branches, depth), this.budget);
      return this.valueOf(merged(rest, branch, this.budget), depth, branchHops + 1);
    }
    return this.ofType(schema, this.typeOf(typesOf(schema), depth), depth);
  }

  /** One of anyOf/oneOf's branches: at random, or a null one (else the first) once deep. */
  private branchOf(branches: unknown[], depth: number): unknown {
    if (depth < SHALLOW_DEPTH) return this.random.pick(branches);
    return branches.find((branch) => isSchema(branch) && typesOf(resolved(this.root, branch, this.budget)).includes('null')) ?? branches[0];
  }

  /** One of the allowed types: mostly not null while shallow, null once deep (when allowed). */
  private typeOf(types: string[], depth: number): string {
    if (types.length === 0) return 'string';
    if (types.includes('null') && (depth >= SHALLOW_DEPTH || types.length === 1 || this.random.chance(0.25))) return 'null';
    const others = types.filter((type) => type !== 'null');
    return this.random.pick(others.length > 0 ? others : types);
  }

  private ofType(schema: Schema, type: string, depth: number): unknown {
    switch (type) {
      case 'object':
        return this.objectOf(schema, depth);
      case 'array':
        return this.arrayOf(schema, depth);
      case 'integer':
        return numberOf(schema, true, this.random);
      case 'number':
        return numberOf(schema, false, this.random);
      case 'boolean':
        return this.random.chance(0.5);
      case 'null':
        return null;
      default: {
        const text = stringOf(schema, this.random);
        this.nodes += Math.floor(text.length / 16);
        return text;
      }
    }
  }

  private objectOf(schema: Schema, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const set = (key: string, value: unknown) =>
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    const properties = isSchema(keyword(schema, 'properties')) ? (keyword(schema, 'properties') as Schema) : {};
    const requiredList = keyword(schema, 'required');
    const required = new Set(Array.isArray(requiredList) ? requiredList.filter((key) => typeof key === 'string') : []);
    const additional = keyword(schema, 'additionalProperties');
    const minProperties = Math.min(numberKeyword(schema, 'minProperties') ?? 0, MAX_ITEMS);
    const maxProperties = numberKeyword(schema, 'maxProperties') ?? Infinity;
    const entries = Object.entries(properties);
    this.budget.work -= entries.length + required.size;
    const optional: [string, unknown][] = [];
    for (const [key, property] of entries) {
      if (required.has(key)) set(key, this.valueOf(property, depth + 1));
      else optional.push([key, property]);
    }
    for (const key of required) {
      if (!Object.hasOwn(result, key)) set(key, this.valueOf(isSchema(additional) ? additional : {}, depth + 1));
    }
    let count = Object.keys(result).length;
    for (const [key, property] of optional) {
      const wanted = count < minProperties || (depth < SHALLOW_DEPTH && this.random.chance(0.5));
      if (!wanted || count >= maxProperties) continue;
      set(key, this.valueOf(property, depth + 1));
      count++;
    }
    // A map (additionalProperties with a schema, no properties of its own) gets a few entries while shallow.
    const isMap = isSchema(additional) && entries.length === 0 && depth < SHALLOW_DEPTH;
    const extra = additional === false ? 0 : Math.max(minProperties - count, isMap ? this.random.integer(1, 2) : 0);
    for (let index = 1; index <= extra && count < maxProperties; index++) {
      const key = `${this.random.pick(['key', 'item', 'entry'])}${index}`;
      if (Object.hasOwn(result, key)) continue;
      set(key, this.valueOf(isSchema(additional) ? additional : {}, depth + 1));
      count++;
    }
    return result;
  }

  private arrayOf(schema: Schema, depth: number): unknown[] {
    const prefix: unknown[] = [keyword(schema, 'prefixItems'), keyword(schema, 'items')].find((value) => Array.isArray(value)) ?? [];
    const items = keyword(schema, 'items');
    const rest = Array.isArray(items) ? keyword(schema, 'additionalItems') : items;
    const min = Math.min(Math.max(0, numberKeyword(schema, 'minItems') ?? 0), MAX_ITEMS);
    let max = Math.max(min, Math.min(numberKeyword(schema, 'maxItems') ?? Infinity, MAX_ITEMS));
    if (rest === false) max = Math.max(min, Math.min(max, prefix.length));
    const length = depth >= SHALLOW_DEPTH ? min : this.random.integer(Math.max(min, Math.min(1, max)), Math.min(max, Math.max(min, 3)));
    const unique = keyword(schema, 'uniqueItems') === true;
    const result: unknown[] = [];
    const seen = new Set<string>();
    for (let index = 0; index < length && this.nodes <= MAX_NODES; index++) {
      const itemSchema = index < prefix.length ? prefix[index] : isSchema(rest) ? rest : {};
      let value = this.valueOf(itemSchema, depth + 1);
      for (let attempt = 0; unique && seen.has(JSON.stringify(value)) && attempt < 4; attempt++)
        value = this.valueOf(itemSchema, depth + 1);
      seen.add(JSON.stringify(value));
      result.push(value);
    }
    return result;
  }
}

/** The JSON text of a generated value (jsonValueOf), compact as a model writes it: some tens of thousands of characters at most. */
export function jsonTextOf(schema: unknown, random: SeededRandom): string {
  return JSON.stringify(jsonValueOf(schema, random)) ?? 'null';
}
