import { isURL } from 'class-validator';

/**
 * A name of an OpenAI-compatible upstream (LLM_UPSTREAMS): 1 to 32 lower-case letters, digits or `_`,
 * starting with a letter, so that `LLM_UPSTREAM_<NAME>_BASE_URL` is a portable variable name.
 */
export const UPSTREAM_NAME = /^[a-z][a-z0-9_]{0,31}$/;
export const UPSTREAM_NAME_MESSAGE = 'must be 1 to 32 lower-case letters, digits or "_", starting with a letter';

/** The upstream of LLM_BASE_URL / LLM_API_KEY. */
export const DEFAULT_UPSTREAM = 'default';
/** The built-in model's own "upstream": the local model in this process. */
export const LOCAL_UPSTREAM = 'local';
/** Names LLM_UPSTREAMS cannot list: they stand for LLM_BASE_URL and the built-in model. */
const RESERVED_NAMES = new Set([DEFAULT_UPSTREAM, LOCAL_UPSTREAM]);

/** An OpenAI-compatible upstream as configured. `apiKey` is a secret: never log or answer it. */
export interface LlmUpstreamEndpoint {
  name: string;
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>`; unset: no Authorization header (local servers). */
  apiKey?: string;
}

const HTTP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** The variables of a named upstream. */
export const upstreamVariables = (name: string) => {
  const prefix = `LLM_UPSTREAM_${name.toUpperCase()}`;
  return { baseUrl: `${prefix}_BASE_URL`, apiKey: `${prefix}_API_KEY` };
};

/** `LLM_UPSTREAM_<NAME>_BASE_URL` or `_API_KEY`: a variable of some named upstream. */
const UPSTREAM_VARIABLE = /^LLM_UPSTREAM_([A-Z0-9_]+)_(BASE_URL|API_KEY)$/;

/**
 * The named upstreams LLM_UPSTREAMS lists, read from their variables, with one message per variable at
 * fault: a bad or repeated name, a missing or malformed base URL, or a variable of a name the list does
 * not hold (a typo would otherwise leave an upstream silently unconfigured). Messages never quote a
 * value: a URL or key can hold a secret.
 */
export function namedUpstreamsOf(
  names: readonly string[],
  raw: Record<string, unknown>,
): { endpoints: LlmUpstreamEndpoint[]; problems: Map<string, string> } {
  const problems = new Map<string, string>();
  const endpoints: LlmUpstreamEndpoint[] = [];
  const listed = new Set<string>();
  const badNames: string[] = [];
  for (const name of names) {
    if (!UPSTREAM_NAME.test(name)) badNames.push(`each name ${UPSTREAM_NAME_MESSAGE}; got ${JSON.stringify(name)}`);
    else if (RESERVED_NAMES.has(name))
      badNames.push(`"${name}" is reserved (default: LLM_BASE_URL; local: the built-in model); choose another name`);
    else if (listed.has(name)) badNames.push(`"${name}" is listed twice`);
    else listed.add(name);
  }
  if (badNames.length > 0) problems.set('LLM_UPSTREAMS', badNames.join('; '));
  for (const name of listed) {
    const variables = upstreamVariables(name);
    const baseURL = raw[variables.baseUrl];
    const apiKey = raw[variables.apiKey];
    if (typeof baseURL !== 'string') {
      problems.set(variables.baseUrl, `is required: LLM_UPSTREAMS lists "${name}"`);
    } else if (!isURL(baseURL, HTTP_URL)) {
      problems.set(variables.baseUrl, 'must be an http(s) URL such as http://127.0.0.1:8000/v1');
    } else {
      endpoints.push({ name, baseURL, ...(typeof apiKey === 'string' && { apiKey }) });
    }
  }
  for (const variable of Object.keys(raw)) {
    const name = UPSTREAM_VARIABLE.exec(variable)?.[1].toLowerCase();
    if (name !== undefined && !listed.has(name) && !problems.has('LLM_UPSTREAMS')) {
      problems.set(variable, `is set, but LLM_UPSTREAMS does not list "${name}"`);
    }
  }
  return { endpoints, problems };
}
