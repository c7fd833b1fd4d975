import type { AppProcess } from './app-process.js';
import { call, CHAT, type Outcome, type User } from './load.js';

/** An answer with when its request started and ended, and whose it was. */
export interface TimedOutcome extends Outcome {
  startedAt: number;
  endedAt: number;
  user?: string;
}

export interface Timeline {
  outcomes: TimedOutcome[];
  seconds: number;
}

export interface TimelineLoad {
  /** Round robin over these instances. */
  apps: AppProcess[];
  /** Charged 1 token per chat request, round robin. */
  spread: User[];
  /** One account charged by many requests at once. */
  hot?: User;
  /** API keys for non-streamed chat completions (model fake-gpt). */
  completions?: string[];
  seconds: number;
}

const WORKERS = { spread: 12, hot: 24, completions: 6 };

/** Runs the load for `seconds` and keeps every answer with its times: what a failover looked like from the clients. */
export async function runTimeline(load: TimelineLoad): Promise<Timeline> {
  const outcomes: TimedOutcome[] = [];
  const until = Date.now() + load.seconds * 1000;
  let turn = 0;
  const nextApp = () => load.apps[turn++ % load.apps.length];
  const timed = async (user: string | undefined, send: (app: AppProcess) => Promise<Outcome>) => {
    const startedAt = Date.now();
    const outcome = await send(nextApp());
    outcomes.push({ ...outcome, startedAt, endedAt: Date.now(), user });
  };
  const worker = async (next: (i: number) => Promise<void>) => {
    for (let i = 0; Date.now() < until; i++) await next(i);
  };
  const workers: Array<Promise<void>> = [];
  for (let w = 0; w < WORKERS.spread; w++) {
    workers.push(
      worker((i) => {
        const user = load.spread[(w + i * WORKERS.spread) % load.spread.length];
        return timed(user.id, (app) => call(app.baseUrl, 'POST', CHAT.path, CHAT.body(i), { token: user.token, instance: app.name }));
      }),
    );
  }
  const hot = load.hot;
  if (hot) {
    for (let w = 0; w < WORKERS.hot; w++) {
      workers.push(
        worker((i) => timed(hot.id, (app) => call(app.baseUrl, 'POST', CHAT.path, CHAT.body(i), { token: hot.token, instance: app.name }))),
      );
    }
  }
  const keys = load.completions ?? [];
  for (let w = 0; keys.length > 0 && w < WORKERS.completions; w++) {
    const key = keys[w % keys.length];
    const body = (i: number) => ({ model: 'fake-gpt', messages: [{ role: 'user', content: `question ${i}` }] });
    workers.push(
      worker((i) =>
        timed(undefined, (app) => call(app.baseUrl, 'POST', '/v1/chat/completions', body(i), { token: key, instance: app.name })),
      ),
    );
  }
  await Promise.all(workers);
  return { outcomes, seconds: load.seconds };
}
