import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { HTTP_URL, toList } from './environment-rules.js';
import type { LlmUpstreamEndpoint } from './llm-upstreams.js';

/** The variables of the AI completions and their upstreams (part of Environment, validated with it). */
export class AiEnvironment {
  /**
   * An OpenAI-compatible API (its base URL, e.g. https://api.openai.com/v1) that serves the AI completions of every
   * model other than the built-in `local` one, and the text services; unset: only the built-in local model answers.
   */
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'LLM_BASE_URL must be an http(s) URL such as https://api.openai.com/v1' })
  LLM_BASE_URL?: string;

  /** The key sent to LLM_BASE_URL as `Authorization: Bearer <key>`; unset: no Authorization header (local servers). */
  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  /**
   * More OpenAI-compatible upstreams, by name (e.g. `hosted,vllm`), each at `LLM_UPSTREAM_<NAME>_BASE_URL` with the key
   * `LLM_UPSTREAM_<NAME>_API_KEY` (optional); an admin maps a model to one (PUT /admin/models/:model `upstream`).
   * LLM_BASE_URL is the upstream named `default`. Checked at start-up by namedUpstreamsOf (llm-upstreams.ts).
   */
  @Transform(toList)
  @IsString({ each: true })
  LLM_UPSTREAMS: string[] = [];

  /** Not a variable: the upstreams LLM_UPSTREAMS names, read from their variables by validateEnvironment. */
  llmUpstreams: LlmUpstreamEndpoint[] = [];

  /** The upstream model the text services (/services/chat, seo-title, ...) ask when LLM_BASE_URL is set. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, {
    message: 'LLM_SERVICES_MODEL must be a model id: 1 to 64 letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit',
  })
  LLM_SERVICES_MODEL = 'gpt-4o-mini';

  /** Age after which a hold that was never settled (its process died) is released. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  @Max(86400)
  HOLD_TTL_SECONDS = 900;

  /** AI completions one paying user may have in flight in one process; the next is 429 until one ends. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  LLM_MAX_CONCURRENT_PER_USER = 8;

  /**
   * The smallest output limit a completion without an explicit limit may be lowered to when the
   * balance cannot hold the model's default; below it the request is 402.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MIN_OUTPUT_TOKENS = 16;
}
