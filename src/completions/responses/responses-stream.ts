import type OpenAI from 'openai';
import type { ChatChunk } from '../chat-api.js';
import {
  functionCallItemIdOf,
  messageItemIdOf,
  outcomeOf,
  type ResponseIdentity,
  type ResponseObject,
  responseObjectOf,
  usageOf,
} from './responses-answer.js';

type SdkEvent = OpenAI.Responses.ResponseStreamEvent;
type LifecycleType = 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete';
/** One server-sent event of a streamed Response (the lifecycle events carry the Response as this service sends it). */
export type ResponsesStreamEvent =
  { type: LifecycleType; sequence_number: number; response: ResponseObject } | Exclude<SdkEvent, { type: LifecycleType }>;
type Unsequenced = ResponsesStreamEvent extends infer E ? (E extends unknown ? Omit<E, 'sequence_number'> : never) : never;
type OutputItem = OpenAI.Responses.ResponseOutputItem;
type FinishReason = ChatChunk['choices'][number]['finish_reason'];

/** A content part of the message item being streamed: its index in the message, kind and text so far. */
interface Part {
  index: number;
  type: 'output_text' | 'refusal';
  text: string;
}
interface FunctionCall {
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
}

/**
 * Turns a streamed chat completion into the Responses API's server-sent events, chunk by chunk:
 * `start()` (response.created, response.in_progress), `push(chunk)` for each chat chunk (output
 * items opened as their first piece arrives, then text, refusal and function-argument deltas),
 * then `finish(usage)` (every open item done, then response.completed, or response.incomplete when
 * the output limit cut it) or `fail(error)` (an `error` event). Every event has the next
 * `sequence_number`; the final Response has the same item ids as the events.
 */
export class ResponsesStreamMapper {
  private sequence = 0;
  private readonly items: { outputIndex: number; done: () => Unsequenced[]; item: () => OutputItem }[] = [];
  private message: { outputIndex: number; parts: Part[] } | null = null;
  private readonly calls = new Map<number, FunctionCall>();
  private finishReason: FinishReason | null = null;
  private model: string;
  private serviceTier: string | null = null;

  constructor(private readonly identity: ResponseIdentity) {
    this.model = identity.model;
  }

  /** Whether any output item was opened (after that, a failure can only be reported in the stream). */
  get hasOutput(): boolean {
    return this.items.length > 0;
  }

  start(): ResponsesStreamEvent[] {
    const response = this.responseOf({ status: 'in_progress', incomplete_details: null, output: [] });
    return this.sequenced([
      { type: 'response.created', response },
      { type: 'response.in_progress', response },
    ]);
  }

  push(chunk: ChatChunk): ResponsesStreamEvent[] {
    this.model = chunk.model || this.model;
    this.serviceTier = chunk.service_tier ?? this.serviceTier;
    const events: Unsequenced[] = [];
    // A Responses request asks for one choice; a chunk of another choice has no place in the Response.
    for (const choice of chunk.choices.filter((each) => each.index === 0)) {
      const { content, refusal, tool_calls: toolCalls } = choice.delta;
      if (content) events.push(...this.messageDelta('output_text', content));
      if (refusal) events.push(...this.messageDelta('refusal', refusal));
      for (const call of toolCalls ?? []) events.push(...this.functionCallDelta(call));
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return this.sequenced(events);
  }

  /** The end of a stream that finished: its items done, then the whole Response with the usage it was charged for. */
  finish(usage: OpenAI.Completions.CompletionUsage): ResponsesStreamEvent[] {
    const outcome = outcomeOf(this.finishReason ?? 'stop');
    const events = this.items.flatMap((entry) => entry.done());
    const response = this.responseOf({ ...outcome, output: this.items.map((entry) => entry.item()), usage: usageOf(usage) });
    events.push({ type: outcome.status === 'completed' ? 'response.completed' : 'response.incomplete', response });
    return this.sequenced(events);
  }

  /** A failure after the stream began: OpenAI's `error` event (the SDKs throw it as an APIError). */
  fail(error: { code: string | null; message: string; param: string | null }): ResponsesStreamEvent[] {
    return this.sequenced([{ type: 'error', code: error.code, message: error.message, param: error.param }]);
  }

  private get itemStatus(): 'completed' | 'incomplete' {
    return outcomeOf(this.finishReason ?? 'stop').status === 'completed' ? 'completed' : 'incomplete';
  }

  private messageDelta(type: Part['type'], delta: string): Unsequenced[] {
    const events: Unsequenced[] = [];
    const itemId = messageItemIdOf(this.identity.id);
    if (!this.message) {
      const message = (this.message = { outputIndex: this.items.length, parts: [] as Part[] });
      const item = (status: 'in_progress' | 'completed' | 'incomplete'): OutputItem => ({
        id: itemId,
        type: 'message',
        role: 'assistant',
        status,
        content: status === 'in_progress' ? [] : message.parts.map(partOf),
      });
      this.items.push({
        outputIndex: message.outputIndex,
        item: () => item(this.itemStatus),
        done: () => this.messageDone(item(this.itemStatus)),
      });
      events.push({ type: 'response.output_item.added', output_index: message.outputIndex, item: item('in_progress') });
    }
    const { outputIndex, parts } = this.message;
    let part = parts.find((each) => each.type === type);
    if (!part) {
      part = { index: parts.length, type, text: '' };
      parts.push(part);
      const where = { item_id: itemId, output_index: outputIndex, content_index: part.index };
      events.push({ type: 'response.content_part.added', ...where, part: partOf(part) });
    }
    part.text += delta;
    const where = { item_id: itemId, output_index: outputIndex, content_index: part.index };
    events.push(
      type === 'output_text'
        ? { type: 'response.output_text.delta', ...where, delta, logprobs: [] }
        : { type: 'response.refusal.delta', ...where, delta },
    );
    return events;
  }

  private messageDone(item: OutputItem): Unsequenced[] {
    const { outputIndex, parts } = this.message!;
    const events = parts.flatMap((part): Unsequenced[] => {
      const where = { item_id: item.id!, output_index: outputIndex, content_index: part.index };
      return [
        part.type === 'output_text'
          ? { type: 'response.output_text.done', ...where, text: part.text, logprobs: [] }
          : { type: 'response.refusal.done', ...where, refusal: part.text },
        { type: 'response.content_part.done', ...where, part: partOf(part) },
      ];
    });
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
    return events;
  }

  private functionCallDelta(delta: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall): Unsequenced[] {
    const events: Unsequenced[] = [];
    let call = this.calls.get(delta.index);
    if (!call) {
      const outputIndex = this.items.length;
      const id = functionCallItemIdOf(this.identity.id, this.calls.size);
      const opened: FunctionCall = { outputIndex, id, callId: delta.id || `call_${id.slice('fc_'.length)}`, name: '', arguments: '' };
      call = opened;
      this.calls.set(delta.index, opened);
      opened.name = delta.function?.name ?? '';
      const item = (status: 'in_progress' | 'completed' | 'incomplete'): OutputItem => ({
        id,
        type: 'function_call',
        call_id: opened.callId,
        name: opened.name,
        arguments: status === 'in_progress' ? '' : opened.arguments,
        status,
      });
      this.items.push({
        outputIndex,
        item: () => item(this.itemStatus),
        done: () => [
          {
            type: 'response.function_call_arguments.done',
            item_id: id,
            output_index: outputIndex,
            name: opened.name,
            arguments: opened.arguments,
          },
          { type: 'response.output_item.done', output_index: outputIndex, item: item(this.itemStatus) },
        ],
      });
      events.push({ type: 'response.output_item.added', output_index: outputIndex, item: item('in_progress') });
    } else if (delta.function?.name) {
      call.name += delta.function.name;
    }
    const piece = delta.function?.arguments;
    if (piece) {
      call.arguments += piece;
      events.push({ type: 'response.function_call_arguments.delta', item_id: call.id, output_index: call.outputIndex, delta: piece });
    }
    return events;
  }

  private responseOf(state: Parameters<typeof responseObjectOf>[1]): ResponseObject {
    return responseObjectOf({ ...this.identity, model: this.model }, { ...state, serviceTier: this.serviceTier });
  }

  private sequenced(events: Unsequenced[]): ResponsesStreamEvent[] {
    return events.map((event) => ({ ...event, sequence_number: this.sequence++ }));
  }
}

function partOf(part: Part): OpenAI.Responses.ResponseOutputMessage['content'][number] {
  return part.type === 'output_text'
    ? { type: 'output_text', text: part.text, annotations: [], logprobs: [] }
    : { type: 'refusal', refusal: part.text };
}

/** Whether a chat chunk carries output of the Response (text, a refusal or a tool call of the first choice). */
export function carriesOutput(chunk: ChatChunk): boolean {
  return chunk.choices.some(({ index, delta }) => index === 0 && Boolean(delta.content || delta.refusal || delta.tool_calls?.length));
}

/** One event as server-sent event text, named by its type as OpenAI sends them. */
export function sseOf(event: ResponsesStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
