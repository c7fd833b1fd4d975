/**
 * A chat answer as OpenAI's Response object: text, refusal and function calls as output items,
 * `incomplete` when the output limit cut the answer, usage in the Responses API's names, the
 * request's echo, and ids derived from the request id.
 */
import type { ChatAnswer } from '../../src/completions/chat-api.js';
import { responseIdOf, responseOf } from '../../src/completions/responses/responses-answer.js';
import { parseResponsesRequest } from '../../src/completions/responses/responses-request.js';

const ID = 'resp_6f1c2a4e0b7d4c1e9a553d2f8e7c1b20';

function answerOf(
  message: Partial<ChatAnswer['choices'][number]['message']>,
  finishReason: ChatAnswer['choices'][number]['finish_reason'],
): ChatAnswer {
  return {
    id: 'chatcmpl-6f1c2a4e0b7d4c1e9a553d2f8e7c1b20',
    object: 'chat.completion',
    created: 1764633600,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      { index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: finishReason, logprobs: null },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 7,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 2 },
    },
  };
}

describe('responseOf', () => {
  const { echo } = parseResponsesRequest({
    model: 'gpt-4o-mini',
    input: 'Hi',
    instructions: 'Be brief.',
    max_output_tokens: 50,
    metadata: { a: 'b' },
  });
  const identity = echo;

  it('derives the resp_ id from the completion id, so a replay of the stored completion has the same', () => {
    expect(responseIdOf('chatcmpl-6f1c2a4e0b7d4c1e9a553d2f8e7c1b20')).toBe(ID);
    expect(responseIdOf('chatcmpl-local-ab12')).toBe('resp_localab12');
    expect(responseOf(answerOf({ content: 'x' }, 'stop'), echo).id).toBe(ID);
  });

  it('answers text as a completed message item with output_text, the usage and the echo', () => {
    const response = responseOf(answerOf({ content: 'Hello there.' }, 'stop'), identity);
    expect(response).toMatchObject({
      id: ID,
      object: 'response',
      created_at: 1764633600,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'gpt-4o-mini-2024-07-18',
      output: [
        {
          id: 'msg_6f1c2a4e0b7d4c1e9a553d2f8e7c1b20',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Hello there.', annotations: [] }],
        },
      ],
      usage: {
        input_tokens: 12,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 19,
      },
      instructions: 'Be brief.',
      max_output_tokens: 50,
      metadata: { a: 'b' },
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      text: { format: { type: 'text' } },
      temperature: null,
      top_p: null,
    });
    expect(response).not.toHaveProperty('output_text');
    expect(JSON.parse(JSON.stringify(response))).toEqual(response);
  });

  it('answers tool calls as function_call items (no empty message), with the call ids', () => {
    const response = responseOf(
      answerOf(
        {
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        'tool_calls',
      ),
      identity,
    );
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([
      {
        id: `fc_${ID.slice(5)}_0`,
        type: 'function_call',
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        status: 'completed',
      },
      { id: `fc_${ID.slice(5)}_1`, type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '{}', status: 'completed' },
    ]);
  });

  it('keeps text before the tool calls, and a refusal as a refusal part', () => {
    const both = responseOf(
      answerOf(
        { content: 'Let me look.', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        'tool_calls',
      ),
      identity,
    );
    expect(both.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    const refused = responseOf(answerOf({ refusal: 'I cannot help with that.' }, 'stop'), identity);
    expect(refused.output).toEqual([
      expect.objectContaining({ type: 'message', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] }),
    ]);
  });

  it('is incomplete with reason max_output_tokens when the output limit cut it', () => {
    const response = responseOf(answerOf({ content: 'Once upon a' }, 'length'), identity);
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('is incomplete with reason content_filter when the upstream filtered it', () => {
    const response = responseOf(answerOf({ content: '' }, 'content_filter'), identity);
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
  });

  it('has usage with zero details when the upstream reported no details', () => {
    const answer = answerOf({ content: 'x' }, 'stop');
    answer.usage = { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 };
    expect(responseOf(answer, identity).usage).toEqual({
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 4,
    });
  });
});
