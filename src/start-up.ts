/** A wildcard address listens on every interface, this machine's own among them: a browser here opens localhost. */
const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/** `host:port` as it goes into a URL (IPv6 addresses in brackets). */
function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The line printed once the server listens: where it listens, and the two pages a newcomer opens
 * (the web console at `/`, where a person signs in, and the API docs at `/docs`).
 */
export function listeningLine(host: string, port: number): string {
  const base = `http://${authority(WILDCARDS.has(host) ? 'localhost' : host, port)}`;
  return `Listening on http://${authority(host, port)}; web console ${base}/, API docs ${base}/docs`;
}
