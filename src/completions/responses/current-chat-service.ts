import type { IdempotencyContext } from '@token-metering/tokens';
import type { ChatAnswer, ChatChunk, ChatRequest } from '../chat-api.js';
import type { ChatCompletions } from '../chat-completions.service.js';
import type { ChatCompletionRequestDto } from '../dto/chat-completion-request.dto.js';
import { CHAT_ROLES, type ChatRole } from '../llm-upstream.js';
import { invalid } from './request-fields.js';
import type { CompletionEvent } from './responses-reply.js';

/*
 * The Responses route on the chat completions service as it is today: it takes text messages (and
 * no tools, content parts other than text, or response formats) and answers with its own objects.
 * Once ChatCompletions takes and answers OpenAI's own types (chat-api.ts), this file goes: the
 * controller then passes `chat` and the service's events straight through.
 */

/** The text-only chat body the service takes today; what it cannot carry is a 400 naming the Responses parameter. */
function currentBodyOf(chat: ChatRequest): ChatCompletionRequestDto {
  if (chat.tools) throw invalid('tools', 'not supported yet');
  if (chat.tool_choice) throw invalid('tool_choice', 'not supported yet');
  if (chat.response_format) throw invalid('text.format', 'only text is supported yet');
  const messages = chat.messages.map((message, index) => {
    const content =
      typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => ('text' in part ? part.text : null));
    if (
      !(CHAT_ROLES as readonly string[]).includes(message.role) ||
      (Array.isArray(content) && content.includes(null)) ||
      content.length === 0
    )
      throw invalid(`input[${index}]`, 'only text messages are supported yet');
    return { role: message.role as ChatRole, content: Array.isArray(content) ? content.join('') : content };
  });
  return {
    model: chat.model,
    messages,
    ...(chat.max_completion_tokens && { max_completion_tokens: chat.max_completion_tokens }),
    ...(typeof chat.temperature === 'number' && { temperature: chat.temperature }),
    ...(typeof chat.top_p === 'number' && { top_p: chat.top_p }),
    ...(chat.user && { user: chat.user }),
  };
}

export async function completeOnCurrentService(
  completions: ChatCompletions,
  payerId: string,
  chat: ChatRequest,
  signal: AbortSignal,
  request: IdempotencyContext,
): Promise<ChatAnswer> {
  return (await completions.complete(payerId, currentBodyOf(chat), signal, request)) as ChatAnswer;
}

export async function* streamOnCurrentService(
  completions: ChatCompletions,
  payerId: string,
  chat: ChatRequest,
  signal: AbortSignal,
  request: IdempotencyContext,
): AsyncGenerator<CompletionEvent> {
  const body = currentBodyOf(chat);
  const base = {
    id: `chatcmpl-${request.requestId}`,
    object: 'chat.completion.chunk' as const,
    created: Math.floor(Date.now() / 1000),
    model: chat.model,
  };
  for await (const event of completions.stream(payerId, { ...body, stream: true }, signal, request)) {
    if (event.kind === 'settled') {
      const { promptTokens, completionTokens } = event.usage;
      yield {
        kind: 'settled',
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        charge: event.charge,
      };
      continue;
    }
    const { text, finishReason } = event.chunk;
    const chunk: ChatChunk = {
      ...base,
      choices: [{ index: 0, delta: text ? { content: text } : {}, finish_reason: finishReason, logprobs: null }],
    };
    yield { kind: 'chunk', chunk };
  }
}
