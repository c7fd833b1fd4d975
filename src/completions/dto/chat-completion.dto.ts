import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Charge } from '@token-metering/tokens';
import type { ChatChunk } from '../chat-api.js';
import type { ChatUsage } from '../chat-completions.service.js';

export class CompletionUsageDto {
  @ApiProperty({ example: 12 })
  prompt_tokens: number;

  @ApiProperty({ example: 48 })
  completion_tokens: number;

  @ApiProperty({ example: 60 })
  total_tokens: number;
}

export class ChatCompletionMessageDto {
  @ApiProperty({ example: 'assistant' })
  role: 'assistant';

  @ApiProperty({ nullable: true, type: String, example: 'Tokens held, then settled.' })
  content: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  refusal: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'The tools the model calls: `[{ id, type: "function", function: { name, arguments } }]`',
  })
  tool_calls?: object[];
}

export class ChatCompletionChoiceDto {
  @ApiProperty({ example: 0 })
  index: number;

  @ApiProperty({ type: ChatCompletionMessageDto })
  message: ChatCompletionMessageDto;

  @ApiProperty({ example: 'stop' })
  finish_reason: string;

  @ApiProperty({ nullable: true, type: Object, example: null })
  logprobs: null;
}

/** OpenAI's `chat.completion` object. */
export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-3f1c2a' })
  id: string;

  @ApiProperty({ example: 'chat.completion' })
  object: 'chat.completion';

  @ApiProperty({ example: 1764633600, description: 'Unix seconds' })
  created: number;

  @ApiProperty({ example: 'local' })
  model: string;

  @ApiProperty({ type: [ChatCompletionChoiceDto] })
  choices: ChatCompletionChoiceDto[];

  @ApiProperty({ type: CompletionUsageDto, description: 'The model tokens the price was computed from, all choices together' })
  usage: CompletionUsageDto;
}

/** The last chunk before `[DONE]`: no choices, what was charged, and the usage it was priced at when the request asked for it. */
export function settledChunkOf(last: Pick<ChatChunk, 'id' | 'created' | 'model'>, usage: ChatUsage | null, charge: Charge): unknown {
  return {
    id: last.id,
    object: 'chat.completion.chunk',
    created: last.created,
    model: last.model,
    choices: [],
    ...(usage && { usage }),
    tokens: { charged: charge.price, remaining: charge.balanceAfter },
  };
}
