/**
 * The named AI upstreams at start-up: LLM_UPSTREAMS lists names, each with LLM_UPSTREAM_<NAME>_BASE_URL
 * (required) and LLM_UPSTREAM_<NAME>_API_KEY (optional). A bad list or variable stops the start with one
 * message per variable, and no message ever quotes a URL or a key.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { validateEnvironment } from '../src/config/environment.js';

const KEY = 'sk-hosted-secret-do-not-show';

/** The message of the refusal, or '' when the environment was accepted. */
function refusalOf(raw: Record<string, string>): string {
  try {
    validateEnvironment(raw);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('named AI upstreams (LLM_UPSTREAMS)', () => {
  it('has none by default, and the upstream of LLM_BASE_URL is not one of them', () => {
    expect(validateEnvironment({}).llmUpstreams).toEqual([]);
    expect(validateEnvironment({ LLM_UPSTREAMS: '' }).llmUpstreams).toEqual([]);
    expect(validateEnvironment({ LLM_BASE_URL: 'https://api.openai.com/v1' }).llmUpstreams).toEqual([]);
  });

  it('reads each listed name from its variables, in order, the key only when set', () => {
    const env = validateEnvironment({
      LLM_BASE_URL: 'https://api.openai.com/v1',
      LLM_UPSTREAMS: 'hosted, vllm,ollama_2,',
      LLM_UPSTREAM_HOSTED_BASE_URL: 'https://api.openai.com/v1',
      LLM_UPSTREAM_HOSTED_API_KEY: KEY,
      LLM_UPSTREAM_VLLM_BASE_URL: 'http://127.0.0.1:8000/v1',
      LLM_UPSTREAM_VLLM_API_KEY: '',
      LLM_UPSTREAM_OLLAMA_2_BASE_URL: 'http://ollama:11434/v1',
    });
    expect(env.LLM_UPSTREAMS).toEqual(['hosted', 'vllm', 'ollama_2']);
    expect(env.llmUpstreams).toEqual([
      { name: 'hosted', baseURL: 'https://api.openai.com/v1', apiKey: KEY },
      { name: 'vllm', baseURL: 'http://127.0.0.1:8000/v1' },
      { name: 'ollama_2', baseURL: 'http://ollama:11434/v1' },
    ]);
  });

  it.each([
    [
      'a listed name without its base URL',
      { LLM_UPSTREAMS: 'vllm' },
      'LLM_UPSTREAM_VLLM_BASE_URL: is required: LLM_UPSTREAMS lists "vllm"',
    ],
    [
      'a base URL that is not http(s)',
      { LLM_UPSTREAMS: 'vllm', LLM_UPSTREAM_VLLM_BASE_URL: 'ftp://user:pw@models/v1' },
      'LLM_UPSTREAM_VLLM_BASE_URL: must be an http(s) URL',
    ],
    [
      'a base URL that is no URL',
      { LLM_UPSTREAMS: 'vllm', LLM_UPSTREAM_VLLM_BASE_URL: 'localhost 8000' },
      'LLM_UPSTREAM_VLLM_BASE_URL: must be an http(s) URL',
    ],
    [
      'an upper-case name',
      { LLM_UPSTREAMS: 'VLLM', LLM_UPSTREAM_VLLM_BASE_URL: 'http://127.0.0.1:8000/v1' },
      'LLM_UPSTREAMS: each name must be',
    ],
    ['a name with a dash', { LLM_UPSTREAMS: 'my-vllm' }, 'LLM_UPSTREAMS: each name must be 1 to 32 lower-case letters'],
    ['a name starting with a digit', { LLM_UPSTREAMS: '2nd' }, 'LLM_UPSTREAMS: each name must be'],
    ['a name of 33 characters', { LLM_UPSTREAMS: 'x'.repeat(33) }, 'LLM_UPSTREAMS: each name must be'],
    ['the reserved name default', { LLM_UPSTREAMS: 'default' }, 'LLM_UPSTREAMS: "default" is reserved'],
    ['the reserved name local', { LLM_UPSTREAMS: 'local' }, 'LLM_UPSTREAMS: "local" is reserved'],
    [
      'a name listed twice',
      { LLM_UPSTREAMS: 'vllm,vllm', LLM_UPSTREAM_VLLM_BASE_URL: 'http://127.0.0.1:8000/v1' },
      'LLM_UPSTREAMS: "vllm" is listed twice',
    ],
    [
      'a variable of a name the list does not hold (a typo)',
      { LLM_UPSTREAMS: 'vllm', LLM_UPSTREAM_VLLM_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_UPSTREAM_VLM_API_KEY: KEY },
      'LLM_UPSTREAM_VLM_API_KEY: is set, but LLM_UPSTREAMS does not list "vlm"',
    ],
    [
      'a base URL without LLM_UPSTREAMS',
      { LLM_UPSTREAM_HOSTED_BASE_URL: 'https://api.openai.com/v1' },
      'LLM_UPSTREAM_HOSTED_BASE_URL: is set, but LLM_UPSTREAMS does not list "hosted"',
    ],
  ])('stops the start for %s, with one clear line', (_label, raw, line) => {
    const message = refusalOf(raw);
    expect(message).toMatch(/^Invalid environment configuration:\n/);
    expect(message).toContain(`  ${line}`);
    expect(message).not.toMatch(/secret|user:pw|localhost 8000/);
  });

  it('names every bad variable on its own line and never shows a URL or a key', () => {
    const message = refusalOf({
      LLM_UPSTREAMS: 'hosted,vllm,Bad',
      LLM_UPSTREAM_HOSTED_BASE_URL: `ftp://user:${KEY}@models/v1`,
      LLM_UPSTREAM_HOSTED_API_KEY: KEY,
    });
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}LLM_UPSTREAMS: each name must be .*; got "Bad"$/),
      '  LLM_UPSTREAM_HOSTED_BASE_URL: must be an http(s) URL such as http://127.0.0.1:8000/v1',
      '  LLM_UPSTREAM_VLLM_BASE_URL: is required: LLM_UPSTREAMS lists "vllm"',
    ]);
    expect(message).not.toContain(KEY);
  });

  it("accepts the example of docs/completions.md's Several upstreams", () => {
    const doc = readFileSync(new URL('../docs/completions.md', import.meta.url), 'utf8');
    const example = /### Several upstreams[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const env = validateEnvironment(parseEnv(example));
    expect(env.llmUpstreams.map(({ name, baseURL, apiKey }) => [name, baseURL, apiKey])).toEqual([
      ['vllm', 'http://gpu-1.internal:8000/v1', 'token-of-the-vllm-server'],
      ['ollama', 'http://127.0.0.1:11434/v1', undefined],
    ]);
    expect(env.LLM_BASE_URL).toBe('https://api.openai.com/v1');
  });
});
