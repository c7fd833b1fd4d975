import type OpenAI from 'openai';
import type { ChatAnswer } from '../chat-api.js';
import type { ResponseEcho } from './responses-request.js';

/**
 * OpenAI's Response object as this service sends it (`output_text` is added by the SDKs, not sent).
 * `access_programs` is in the object OpenAI sends today (openai 7 reads it), not yet in the types of
 * openai 6, which this service builds on: null, no access program.
 */
export type ResponseObject = Omit<OpenAI.Responses.Response, 'output_text'> & { access_programs: null };
type OutputItem = OpenAI.Responses.ResponseOutputItem;
type FinishReason = ChatAnswer['choices'][number]['finish_reason'];

/** What every Response of one request shares: its id, creation time, model and the request's echo. */
export interface ResponseIdentity {
  id: string;
  createdAt: number;
  model: string;
  echo: ResponseEcho;
}

/**
 * The Response id of a chat completion: `resp_` and the completion's id (`chatcmpl-` and anything
 * but letters and digits left out). Derived from the answer, so an idempotent replay (which answers
 * the stored completion) has the same id.
 */
export function responseIdOf(completionId: string): string {
  return `resp_${completionId.replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9]/g, '')}`;
}

/** What the Responses of a chat completion (its answer, or any of its chunks) share. */
export function identityOf(completion: Pick<ChatAnswer, 'id' | 'created' | 'model'>, echo: ResponseEcho): ResponseIdentity {
  return { id: responseIdOf(completion.id), createdAt: completion.created, model: completion.model, echo };
}

/** Output item ids, derived from the response id (`msg_...`, `fc_..._<n>`), stable across a stream and its final object. */
export function messageItemIdOf(responseId: string): string {
  return `msg_${responseId.slice('resp_'.length)}`;
}

export function functionCallItemIdOf(responseId: string, index: number): string {
  return `fc_${responseId.slice('resp_'.length)}_${index}`;
}

/**
 * The Response's status from the chat finish reason: `length` (the output limit cut it) and
 * `content_filter` are `incomplete`, with OpenAI's reasons; everything else completed.
 */
export function outcomeOf(finishReason: FinishReason | null): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** Chat usage in the Responses API's names. */
export function usageOf(usage: OpenAI.Completions.CompletionUsage): OpenAI.Responses.ResponseUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.prompt_tokens + usage.completion_tokens,
  };
}

/** A Response with the request's echo around the given state (status, output, usage). */
export function responseObjectOf(
  identity: ResponseIdentity,
  state: Pick<ResponseObject, 'status' | 'incomplete_details' | 'output'> & {
    usage?: OpenAI.Responses.ResponseUsage;
    serviceTier?: string | null;
  },
): ResponseObject {
  const { echo } = identity;
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    status: state.status,
    background: false,
    error: null,
    incomplete_details: state.incomplete_details,
    access_programs: null,
    model: identity.model,
    output: state.output,
    service_tier: (state.serviceTier ?? 'default') as ResponseObject['service_tier'],
    ...echo,
    ...(state.usage !== undefined && { usage: state.usage }),
  };
}

/** The output items of a chat answer: a message (its text, or refusal) when there is one, then its function calls. */
export function outputOf(
  responseId: string,
  message: ChatAnswer['choices'][number]['message'],
  status: 'completed' | 'incomplete',
): OutputItem[] {
  const output: OutputItem[] = [];
  const content: OpenAI.Responses.ResponseOutputMessage['content'] = [];
  if (message.content) content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  if (message.refusal) content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length > 0 || !message.tool_calls?.length)
    output.push({ id: messageItemIdOf(responseId), type: 'message', role: 'assistant', status, content });
  (message.tool_calls ?? []).forEach((call, index) => {
    if (call.type !== 'function') return;
    output.push({
      id: functionCallItemIdOf(responseId, index),
      type: 'function_call',
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  });
  return output;
}

/**
 * The Response of a chat answer: its first choice (a Responses request asks for one) as output
 * items, `incomplete` when the output limit cut it, and the usage the charge was computed from.
 */
export function responseOf(answer: ChatAnswer, echo: ResponseEcho): ResponseObject {
  const identity = identityOf(answer, echo);
  const choice = answer.choices[0];
  const outcome = outcomeOf(choice?.finish_reason ?? 'stop');
  const message = choice?.message ?? { role: 'assistant' as const, content: '', refusal: null };
  return responseObjectOf(identity, {
    ...outcome,
    output: outputOf(identity.id, message, outcome.status === 'completed' ? 'completed' : 'incomplete'),
    ...(answer.usage && { usage: usageOf(answer.usage) }),
    serviceTier: answer.service_tier ?? null,
  });
}
