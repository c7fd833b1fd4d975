import type OpenAI from 'openai';
import { AppError, ErrorCode } from '../../common/app-error.js';
import type { ChatRequest } from '../chat-api.js';

type FunctionTool = OpenAI.Chat.Completions.ChatCompletionFunctionTool;

/** What kind of answer the built-in model gives a request. */
export type AnswerPlan =
  /** A call of the function `name`, with arguments valid against its `parameters`. */
  | { kind: 'tool'; name: string; parameters: unknown }
  /** JSON content: valid against `schema`, or any JSON object when there is none (json_object). */
  | { kind: 'json'; schema: unknown }
  /** Text content echoing the user. */
  | { kind: 'text' };

/** The function tools a request offers (custom tools are not called by the built-in model). */
function functionToolsOf(request: ChatRequest): FunctionTool[] {
  return (request.tools ?? []).filter((tool): tool is FunctionTool => tool?.type === 'function' && typeof tool.function?.name === 'string');
}

/** The function tools `allowed_tools` lets the model call, in the order of `tools`. */
function allowedOf(tools: FunctionTool[], allowed: readonly { [key: string]: unknown }[]): FunctionTool[] {
  const names = new Set(allowed.map((entry) => (entry.function as { name?: unknown } | undefined)?.name));
  return tools.filter((tool) => names.has(tool.function.name));
}

const lastIsUser = (request: ChatRequest) => request.messages.at(-1)?.role === 'user';

/**
 * The tool the model calls, if any: the one `tool_choice` names; the first offered when it is
 * `required` (or allowed_tools in mode required); with `auto` (the default when there are tools),
 * the first one when the last message is the user's, so an agent loop that answers the call with a
 * `tool` message gets text next and ends; none with `none`.
 */
function toolOf(request: ChatRequest): FunctionTool | null {
  const tools = functionToolsOf(request);
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return null;
  if (choice === 'required') return tools[0];
  if (choice === 'auto') return lastIsUser(request) ? tools[0] : null;
  if (choice.type === 'function') {
    const named = tools.find((tool) => tool.function.name === choice.function?.name);
    if (named) return named;
    const message = `tool_choice names the function '${choice.function?.name}', which is not in tools`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, message, { details: [{ field: 'tool_choice', errors: [message] }] });
  }
  if (choice.type === 'allowed_tools') {
    const allowed = allowedOf(tools, choice.allowed_tools?.tools ?? []);
    if (choice.allowed_tools?.mode === 'required') return allowed[0] ?? null;
    return lastIsUser(request) ? (allowed[0] ?? null) : null;
  }
  return null;
}

/** How the built-in model answers the request: a tool call, JSON (response_format) or text. */
export function answerPlanOf(request: ChatRequest): AnswerPlan {
  const tool = toolOf(request);
  if (tool) return { kind: 'tool', name: tool.function.name, parameters: tool.function.parameters ?? { type: 'object', properties: {} } };
  const format = request.response_format;
  if (format?.type === 'json_schema') return { kind: 'json', schema: format.json_schema?.schema ?? null };
  if (format?.type === 'json_object') return { kind: 'json', schema: null };
  return { kind: 'text' };
}
