import { Logger } from '@nestjs/common';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { AppError, ErrorCode } from '../common/app-error.js';
import { EmbeddingsUpstream, inputsOf, type EmbeddingsRequest, type EmbeddingsResult } from './embeddings-upstream.js';
import { UpstreamFailed } from './llm-upstream.js';
import { DEFAULT_UPSTREAM_TIMEOUT_MS, type OpenAiUpstreamOptions } from './openai.upstream.js';

/**
 * The statuses of an upstream refusal that are about the client's request, answered with the same
 * status (and code); any other (401, 402 or 403: the upstream refusing this service's own key or
 * account; a 5xx) is this service's failure, 502 UPSTREAM_FAILED.
 */
const CLIENT_FAULTS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.VALIDATION_FAILED,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.TOO_MANY_REQUESTS,
};

/** What an upstream said in its OpenAI error body: its message (cut to 500 characters) and the parameter at fault. */
function upstreamErrorOf(error: unknown): { message: string | null; param: string | null } {
  const body = (error ?? {}) as { message?: unknown; param?: unknown };
  return {
    message: typeof body.message === 'string' && body.message.length > 0 ? body.message.slice(0, 500) : null,
    param: typeof body.param === 'string' ? body.param : null,
  };
}

/** A vector of an upstream answer: base64 of float32 values (asked for) or numbers (a server that ignores the encoding); null if neither. */
function vectorOf(embedding: unknown): Float32Array | null {
  if (Array.isArray(embedding)) return embedding.every((value) => typeof value === 'number') ? Float32Array.from(embedding) : null;
  if (typeof embedding !== 'string') return null;
  const bytes = Buffer.from(embedding, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return null;
  // Copied: a Float32Array over the Buffer's pool would need its offset aligned.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/**
 * Embeddings from an OpenAI-compatible API at LLM_BASE_URL, through the official `openai` SDK, with
 * the completions' rules: no retries, every option explicit, a timeout (`timeoutMs`). Vectors are
 * asked for as base64 (a quarter of the JSON to read) and decoded; the client's own `encoding_format`
 * is applied to the answer afterwards. It serves every model id; the `ai_models` table decides which
 * ones a caller may use.
 */
export class OpenAiEmbeddings extends EmbeddingsUpstream {
  private readonly logger = new Logger(OpenAiEmbeddings.name);
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(options: OpenAiUpstreamOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'unused',
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: this.timeoutMs,
      logLevel: 'off',
      ...(options.apiKey === undefined && { defaultHeaders: { Authorization: null } }),
    });
  }

  serves(_model: string): boolean {
    return true;
  }

  async embed(request: EmbeddingsRequest, signal?: AbortSignal): Promise<EmbeddingsResult> {
    let answer: unknown;
    try {
      answer = await this.client.embeddings.create({ ...request, encoding_format: 'base64' }, { signal });
    } catch (error) {
      throw this.failure(error, signal);
    }
    const result = this.resultOf(answer, inputsOf(request.input).length, request.model);
    if (!result) throw this.failure(new UpstreamFailed('malformed', 'The AI upstream answered something that is not an embeddings list'));
    return result;
  }

  /** The vectors in input order: one per input, each `index` once, all of one length; null when the answer is not that. */
  private resultOf(answer: unknown, inputs: number, model: string): EmbeddingsResult | null {
    const { data, model: answered } = (answer ?? {}) as { data?: unknown; model?: unknown };
    if (!Array.isArray(data) || data.length !== inputs) return null;
    const vectors = new Array<Float32Array>(inputs);
    for (const item of data as { index?: unknown; embedding?: unknown }[]) {
      const index = item?.index;
      const vector = vectorOf(item?.embedding);
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= inputs || vectors[index as number] || !vector)
        return null;
      vectors[index as number] = vector;
    }
    if (vectors.some((vector) => vector.length !== vectors[0].length)) return null;
    return { model: typeof answered === 'string' && answered.length > 0 ? answered : model, vectors };
  }

  /** Any error of a request as the error to answer: the client's fault with its status, else UpstreamFailed; what the upstream said is logged. */
  private failure(error: unknown, signal?: AbortSignal): AppError {
    const failed = this.classify(error, signal);
    if (!(failed instanceof UpstreamFailed && failed.kind === 'aborted')) {
      const cause = (error as { message?: unknown } | undefined)?.message;
      this.logger.warn(`upstream embeddings request failed (${failed.code}): ${typeof cause === 'string' ? cause : failed.message}`);
    }
    return failed;
  }

  private classify(error: unknown, signal?: AbortSignal): AppError {
    if (error instanceof UpstreamFailed) return error;
    if (signal?.aborted || error instanceof APIUserAbortError) return UpstreamFailed.aborted(error);
    if (error instanceof APIConnectionTimeoutError)
      return new UpstreamFailed('timeout', `The AI upstream did not answer within ${this.timeoutMs / 1000} s`, { cause: error });
    if (error instanceof APIConnectionError)
      return new UpstreamFailed('connection', 'The AI upstream could not be reached', { cause: error });
    if (error instanceof APIError) {
      if (typeof error.status !== 'number') return new UpstreamFailed('error', 'The AI upstream reported an error', { cause: error });
      const code = CLIENT_FAULTS[error.status];
      if (!code)
        return new UpstreamFailed('error', `The AI upstream answered HTTP ${error.status}`, { upstreamStatus: error.status, cause: error });
      const { message, param } = upstreamErrorOf(error.error);
      const text = `The AI upstream refused the request (HTTP ${error.status})${message ? `: ${message}` : ''}`;
      const headers = error.headers as Headers | undefined;
      const retryAfter = Number(headers?.get('retry-after'));
      return new AppError(code, text, {
        upstreamStatus: error.status,
        ...(code === ErrorCode.VALIDATION_FAILED && { details: [{ field: param ?? 'input', errors: [text] }] }),
        ...(Number.isSafeInteger(retryAfter) && retryAfter > 0 && { retryAfter }),
      });
    }
    if (error instanceof SyntaxError)
      return new UpstreamFailed('malformed', 'The AI upstream sent something that is not JSON', { cause: error });
    return new UpstreamFailed('connection', 'The connection to the AI upstream broke', { cause: error });
  }
}
