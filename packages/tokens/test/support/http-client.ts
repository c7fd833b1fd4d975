export interface HttpResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** A small fetch client: every call is a real HTTP request to the listening host app. */
export class HttpClient {
  constructor(readonly baseUrl: string) {}

  get(path: string, options: { headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    return this.request('GET', path, undefined, options.headers);
  }

  post(path: string, body?: unknown, options: { headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    return this.request('POST', path, body, options.headers);
  }

  private async request(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: payload,
    });
    const text = await response.text();
    return { status: response.status, body: parsed(text), headers: response.headers };
  }
}

/** The body as JSON, or as its text when it is not JSON. */
function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
