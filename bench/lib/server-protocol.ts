/** Messages between the benchmark runner and the server process (IPC channel of child_process.fork). */
export type ServerRequest =
  | { id: number; type: 'createUsers'; count: number; grant: number; label: string }
  | { id: number; type: 'adminAccessToken' }
  | { id: number; type: 'createBaselineTable' }
  | { id: number; type: 'close' };

/** Id 0 is the start-up message, whose value is `{ port }`. */
export type ServerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
