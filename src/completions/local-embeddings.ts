import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../common/app-error.js';
import { EmbeddingsUpstream, inputsOf, type EmbeddingsRequest, type EmbeddingsResult } from './embeddings-upstream.js';
import { LOCAL_MODEL_ID } from './local-model.js';
import { UpstreamFailed } from './llm-upstream.js';
import { Slice } from './tokenizer.js';

/** Length of the built-in model's vectors when the request names no `dimensions`. */
export const LOCAL_EMBEDDING_DIMENSIONS = 256;
/** Most numbers (inputs times dimensions) one answer of the built-in model may hold: 2048 inputs at the default 256 dimensions, or 170 at 3072. */
export const MAX_LOCAL_EMBEDDING_VALUES = 2 ** 19;

/** xoshiro128**: a small, fast generator; the same seed always gives the same numbers. */
function generator(seed: Buffer): () => number {
  let [a, b, c, d] = [seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12)];
  return () => {
    const result = Math.imul((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return result / 2 ** 32;
  };
}

/**
 * The vector of one input: numbers in [-1, 1) drawn from a generator seeded with the input's SHA-256
 * (a text and the token ids that spell it are different inputs), L2-normalised. The first n numbers
 * are the same whatever `dimensions`, so a shorter vector is a normalised prefix of a longer one (as
 * OpenAI's text-embedding-3 models shorten theirs).
 */
export function localVectorOf(input: string | number[], dimensions: number): Float32Array {
  const digest = createHash('sha256')
    .update(typeof input === 'string' ? `text:${input}` : `tokens:${input.join(',')}`)
    .digest();
  const next = generator(digest);
  const values = new Float64Array(dimensions);
  let squares = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = next() * 2 - 1;
    values[index] = value;
    squares += value * value;
  }
  const norm = Math.sqrt(squares) || 1;
  return Float32Array.from(values, (value) => value / norm);
}

/**
 * The built-in model's embeddings: deterministic, offline, free of any network. The same input
 * always gets the same vector (see localVectorOf), LOCAL_EMBEDDING_DIMENSIONS long unless the request
 * names `dimensions`. Similar texts do not get similar vectors: it is for trying the API, not search.
 */
@Injectable()
export class LocalEmbeddings extends EmbeddingsUpstream {
  serves(model: string): boolean {
    return model === LOCAL_MODEL_ID;
  }

  override check(request: EmbeddingsRequest): void {
    const values = inputsOf(request.input).length * (request.dimensions ?? LOCAL_EMBEDDING_DIMENSIONS);
    if (values <= MAX_LOCAL_EMBEDDING_VALUES) return;
    const message = `inputs times dimensions must be at most ${MAX_LOCAL_EMBEDDING_VALUES} for the model '${LOCAL_MODEL_ID}', got ${values}`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, `Validation failed: ${message}`, { details: [{ field: 'input', errors: [message] }] });
  }

  async embed(request: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult> {
    const dimensions = request.dimensions ?? LOCAL_EMBEDDING_DIMENSIONS;
    const vectors: Float32Array[] = [];
    const slice = new Slice();
    for (const input of inputsOf(request.input)) {
      if (signal?.aborted) throw UpstreamFailed.aborted(signal.reason);
      vectors.push(localVectorOf(input, dimensions));
      await slice.yieldWhenSpent();
    }
    return { model: LOCAL_MODEL_ID, vectors };
  }
}
