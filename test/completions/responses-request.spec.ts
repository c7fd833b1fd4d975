/**
 * A Responses create request read into the Chat Completions request that answers it: every input
 * item kind, instructions, limits, tools and tool choice, text formats, the fields passed on, the
 * echo the Response repeats, and a 400 naming the parameter for every bad or unsupported value.
 */
import { AppError, ErrorCode } from '../../src/common/app-error.js';
import { toOpenAiErrorBody } from '../../src/completions/openai-error.filter.js';
import { parseResponsesRequest } from '../../src/completions/responses/responses-request.js';

const TOOL = { type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object' }, strict: true };

/** The `param` and message of the 400 a body is refused with. */
function refusal(body: unknown): { param: string | null; message: string } {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    const { param, message } = toOpenAiErrorBody(error).error;
    return { param, message };
  }
  throw new Error('the body was accepted');
}

describe('parseResponsesRequest', () => {
  it('reads a string input and instructions as a system message and a user message, with the defaults echoed', () => {
    const { chat, stream, echo } = parseResponsesRequest({ model: 'local', input: 'Hello', instructions: 'Be brief.' });
    expect(stream).toBe(false);
    expect(chat).toEqual({
      model: 'local',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(echo).toEqual({
      instructions: 'Be brief.',
      max_output_tokens: null,
      metadata: {},
      parallel_tool_calls: true,
      temperature: null,
      top_p: null,
      tool_choice: 'auto',
      tools: [],
      text: { format: { type: 'text' } },
      safety_identifier: null,
      previous_response_id: null,
      truncation: 'disabled',
      reasoning: { effort: null, summary: null },
      store: true,
    });
  });

  it('maps every input item kind: content parts, past answers, function calls joined to their message, outputs; drops reasoning', () => {
    const { chat } = parseResponsesRequest({
      model: 'gpt-4o-mini',
      input: [
        { role: 'developer', content: [{ type: 'input_text', text: 'Answer in French.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is on this picture, and the weather in Paris?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        {
          type: 'message',
          role: 'assistant',
          id: 'msg_1',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Un chat.', annotations: [] }],
        },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Lyon"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18 °C' },
        {
          type: 'function_call_output',
          call_id: 'call_2',
          output: [
            { type: 'input_text', text: '20 ' },
            { type: 'input_text', text: '°C' },
          ],
        },
        { type: 'function_call', call_id: 'call_3', name: 'get_weather', arguments: '{}' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is on this picture, and the weather in Paris?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Un chat.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18 °C' },
      { role: 'tool', tool_call_id: 'call_2', content: '20 °C' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
    ]);
  });

  it('keeps a past refusal and string contents of every role', () => {
    const { chat } = parseResponsesRequest({
      model: 'local',
      input: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
        { role: 'assistant', content: 'A' },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
      { role: 'assistant', content: null, refusal: 'No.' },
      { role: 'assistant', content: 'A' },
    ]);
  });

  it('maps limits, sampling, tools, a forced tool, a JSON schema format and the fields with a chat equivalent', () => {
    const body = {
      model: 'gpt-4o-mini',
      input: 'Weather?',
      max_output_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      tools: [TOOL, { type: 'function', name: 'noop', parameters: null, strict: null }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'weather', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      reasoning: { effort: 'low', summary: 'auto' },
      user: 'user-1',
      safety_identifier: 'hash-1',
      service_tier: 'flex',
      prompt_cache_key: 'k',
      metadata: { team: 'a' },
      store: false,
      stream: true,
      include: ['message.output_text.logprobs'],
      truncation: 'auto',
      max_tool_calls: 3,
      stream_options: { include_obfuscation: false },
      some_future_field: 1,
    };
    const { chat, stream, echo } = parseResponsesRequest(body);
    expect(stream).toBe(true);
    expect(chat).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
      max_completion_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object' }, strict: true },
        },
        { type: 'function', function: { name: 'noop' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' }, strict: true } },
      verbosity: 'low',
      reasoning_effort: 'low',
      user: 'user-1',
      safety_identifier: 'hash-1',
      service_tier: 'flex',
      prompt_cache_key: 'k',
    });
    expect(echo).toMatchObject({
      max_output_tokens: 64,
      metadata: { team: 'a' },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
      tool_choice: { type: 'function', name: 'get_weather' },
      tools: [TOOL, { type: 'function', name: 'noop', description: null, parameters: null, strict: null }],
      text: body.text,
      store: false,
      user: 'user-1',
      safety_identifier: 'hash-1',
      reasoning: { effort: 'low', summary: null },
    });
  });

  it.each([
    [{ type: 'json_object' }, { response_format: { type: 'json_object' } }],
    [{ type: 'text' }, {}],
  ])('maps text.format %j', (format, expected) => {
    const { chat } = parseResponsesRequest({ model: 'local', input: 'x', text: { format } });
    expect(chat).toEqual({ model: 'local', messages: [{ role: 'user', content: 'x' }], ...expected });
  });

  it('takes null as not sent, and leaves parallel_tool_calls out of a request without tools', () => {
    const { chat, echo } = parseResponsesRequest({
      model: 'local',
      input: 'x',
      instructions: null,
      max_output_tokens: null,
      temperature: null,
      previous_response_id: null,
      conversation: null,
      background: false,
      parallel_tool_calls: true,
      tool_choice: 'none',
    });
    expect(chat).toEqual({ model: 'local', messages: [{ role: 'user', content: 'x' }], tool_choice: 'none' });
    expect(echo).toMatchObject({ instructions: null, max_output_tokens: null, temperature: null, tool_choice: 'none' });
  });

  it.each([
    ['body', 'expected an object', 'not an object'],
    ['model', 'expected a string', { input: 'x' }],
    ['model', 'matching', { model: 'bad model!', input: 'x' }],
    ['input', 'required', { model: 'local' }],
    ['input', 'at least 1', { model: 'local', input: [] }],
    ['input', 'expected an array', { model: 'local', input: 5 }],
    ['input', 'at most 200000', { model: 'local', input: 'x'.repeat(200_001) }],
    ['input', 'at most 512', { model: 'local', input: Array.from({ length: 513 }, () => ({ role: 'user', content: 'x' })) }],
    ['input[0].role', "'user'", { model: 'local', input: [{ role: 'robot', content: 'x' }] }],
    ['input[0].content[0].text', 'expected a string', { model: 'local', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }],
    [
      'input[0].content[0].image_url',
      'file ids',
      { model: 'local', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] },
    ],
    [
      'input[0].content[0].file_url',
      'file_data',
      { model: 'local', input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x' }] }] },
    ],
    ['input[0].content[0].file_data', 'required', { model: 'local', input: [{ role: 'user', content: [{ type: 'input_file' }] }] }],
    [
      'input[0].content[0].type',
      'text only',
      { model: 'local', input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'https://x/a.png' }] }] },
    ],
    ['input[0].content[0].type', "'output_text'", { model: 'local', input: [{ role: 'assistant', content: [{ type: 'input_image' }] }] }],
    ['input[0].type', 'store: false', { model: 'local', input: [{ type: 'item_reference', id: 'msg_1' }] }],
    ['input[0].call_id', 'expected a string', { model: 'local', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }],
    [
      'input[0].output[0].type',
      'text only',
      { model: 'local', input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image' }] }] },
    ],
    ['instructions', 'expected a string', { model: 'local', input: 'x', instructions: 7 }],
    ['max_output_tokens', 'from 1', { model: 'local', input: 'x', max_output_tokens: 0 }],
    ['max_output_tokens', 'integer', { model: 'local', input: 'x', max_output_tokens: 1.5 }],
    ['temperature', 'from 0 to 2', { model: 'local', input: 'x', temperature: 3 }],
    ['top_p', 'expected a number', { model: 'local', input: 'x', top_p: '1' }],
    ['stream', 'boolean', { model: 'local', input: 'x', stream: 'yes' }],
    ['tools[0].type', "'web_search' are not supported", { model: 'local', input: 'x', tools: [{ type: 'web_search' }] }],
    ['tools[0].name', 'matching', { model: 'local', input: 'x', tools: [{ ...TOOL, name: 'has space' }] }],
    ['tools[1].name', 'already in tools', { model: 'local', input: 'x', tools: [TOOL, TOOL] }],
    ['tools[0].parameters', 'object', { model: 'local', input: 'x', tools: [{ ...TOOL, parameters: 'x' }] }],
    ['tools', 'at most 128', { model: 'local', input: 'x', tools: Array.from({ length: 129 }, (_, i) => ({ ...TOOL, name: `f${i}` })) }],
    ['tool_choice', "'auto'", { model: 'local', input: 'x', tool_choice: 'always' }],
    [
      'tool_choice.name',
      "no function named 'other'",
      { model: 'local', input: 'x', tools: [TOOL], tool_choice: { type: 'function', name: 'other' } },
    ],
    ['tool_choice.type', "'function'", { model: 'local', input: 'x', tool_choice: { type: 'web_search' } }],
    ['text.format.type', "'json_schema'", { model: 'local', input: 'x', text: { format: { type: 'xml' } } }],
    ['text.format.name', 'expected a string', { model: 'local', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }],
    ['text.format.schema', 'object', { model: 'local', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }],
    ['reasoning.effort', "'low'", { model: 'local', input: 'x', reasoning: { effort: 'max' } }],
    ['metadata.a', 'expected a string', { model: 'local', input: 'x', metadata: { a: 1 } }],
    [
      'metadata',
      'at most 16',
      { model: 'local', input: 'x', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
    ],
    ['previous_response_id', 'stores no responses', { model: 'local', input: 'x', previous_response_id: 'resp_1' }],
    ['conversation', 'stores no responses', { model: 'local', input: 'x', conversation: 'conv_1' }],
    ['prompt', 'stores no responses', { model: 'local', input: 'x', prompt: { id: 'pmpt_1' } }],
    ['background', 'not supported', { model: 'local', input: 'x', background: true }],
    ['tools', 'expected an array', { model: 'local', input: 'x', tools: null }],
    ['tool_choice', 'expected an object', { model: 'local', input: 'x', tool_choice: null }],
    ['text', 'expected an object', { model: 'local', input: 'x', text: null }],
    ['text.format', 'expected an object', { model: 'local', input: 'x', text: { format: null } }],
    ['user', 'expected a string', { model: 'local', input: 'x', user: null }],
  ])('400 naming %s (%s)', (param, problem, body) => {
    const refused = refusal(body);
    expect(refused.param).toBe(param);
    expect(refused.message).toContain(problem);
  });
});
