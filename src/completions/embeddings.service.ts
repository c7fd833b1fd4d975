import { Injectable } from '@nestjs/common';
import { type IdempotencyContext, TokenCharges } from '@token-metering/tokens';
import { AppError } from '../common/app-error.js';
import { AiModels } from './ai-models.service.js';
import type { EmbeddingsRequestDto, EncodingFormat } from './dto/embeddings.dto.js';
import { EmbeddingsRouter, inputsOf, type EmbeddingsRequest } from './embeddings-upstream.js';
import { priceOf } from './pricing.js';
import { countTextsInSlices, Slice } from './tokenizer.js';

/** The ledger's action of every embeddings request (like `ai_completion`); the model and its prompt tokens are in the entry's metadata. */
export const EMBEDDING_ACTION = 'ai_embedding';

/** A vector in the encoding the client asked for: numbers, or the base64 of its little-endian float32 values (OpenAI's). */
function encoded(vector: Float32Array, format: EncodingFormat): number[] | string {
  if (format === 'float') return Array.from(vector);
  // Float32Array is in the platform's byte order; every platform Node runs on is little-endian.
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/** The prompt tokens of the inputs: texts counted with the tokenizer (in slices), token arrays by their length. */
async function promptTokensOf(input: EmbeddingsRequest['input']): Promise<number> {
  const inputs = inputsOf(input);
  const texts = inputs.filter((item): item is string => typeof item === 'string');
  const ids = inputs.reduce((sum, item) => sum + (typeof item === 'string' ? 0 : item.length), 0);
  return ids + (await countTextsInSlices(texts));
}

/**
 * Embeddings, charged before the work like a fixed-price call, since the input is known: the price
 * is `ceil(promptTokens * inputPer1k / 1000)` on the model's row (priceOf with no completion
 * tokens), its `usage` entry records the model and its prompt tokens, and a failure of the work
 * refunds it (TokenCharges).
 */
@Injectable()
export class Embeddings {
  constructor(
    private readonly models: AiModels,
    private readonly router: EmbeddingsRouter,
    private readonly charges: TokenCharges,
  ) {}

  /** The answer (an EmbeddingListDto) as JSON text; a replayed Idempotency-Key answers the first one's. */
  async create(payerId: string, body: EmbeddingsRequestDto, request: IdempotencyContext): Promise<string> {
    const model = await this.models.get(body.model);
    if (!model || !this.router.serves(model)) throw AppError.notFound(`Model '${body.model}'`);
    const upstream = this.router.upstreamFor(model);
    const work: EmbeddingsRequest = {
      model: model.model,
      input: body.input,
      ...(body.dimensions !== undefined && { dimensions: body.dimensions }),
      ...(body.user !== undefined && { user: body.user }),
    };
    upstream.check(work);
    const promptTokens = await promptTokensOf(body.input);
    const terms = {
      payerId,
      action: EMBEDDING_ACTION,
      price: priceOf(model, promptTokens, 0),
      metadata: { model: model.model, promptTokens },
    };
    return this.charges.run(request, terms, async () => {
      const { model: answered, vectors } = await upstream.embed(work);
      return answerInSlices(vectors, body.encoding_format ?? 'float', answered, promptTokens);
    });
  }
}

/**
 * OpenAI's embeddings list as JSON text, written one vector at a time in slices between which the
 * event loop runs: 2048 vectors of 3072 numbers are some 100 MB of JSON, seconds of work at once.
 */
async function answerInSlices(vectors: Float32Array[], format: EncodingFormat, model: string, promptTokens: number): Promise<string> {
  const slice = new Slice();
  const items: string[] = [];
  for (const [index, vector] of vectors.entries()) {
    items.push(JSON.stringify({ object: 'embedding', index, embedding: encoded(vector, format) }));
    await slice.yieldWhenSpent();
  }
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
  return `{"object":"list","data":[${items.join(',')}],"model":${JSON.stringify(model)},"usage":${JSON.stringify(usage)}}`;
}
