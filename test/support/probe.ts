/**
 * Metered probe routes for e2e specs: a controller declared the way a team would meter its own
 * endpoint (@TokenPrice on a POST route), built from a short description of each route (its action
 * and cost, its @Body() DTO, and how it ends: an answer, a failure after the charge, a crash).
 * Pass `probe.controller` to startTestApp({ controllers }); `probe.runs` counts the handler runs.
 */
import { applyDecorators, Body, Controller, Post, Type } from '@nestjs/common';
import { IsString } from 'class-validator';
import { AppError, ErrorCode } from '../../src/common/app-error.js';
import { Public } from '../../src/common/auth.decorators.js';
import { TokenPrice } from '@token-metering/tokens';

/** The body most probes take: `{ text }`. */
export class TextDto {
  @IsString()
  text: string;
}

/** An AppError thrown after the charge: its message, with SERVICE_FAILED (502), or a message and another code (a 4xx, a 5xx). */
export type ProbeFailure = string | { message: string; code: ErrorCode };

/** One POST route of a probe, metered as `action` at `cost` tokens a request. */
export interface ProbeRoute {
  /** Under the probe's prefix; '' is the prefix itself. */
  path: string;
  action: string;
  cost: number;
  /** The route's @Body() DTO, validated before the charge; without one the body is neither validated nor read. */
  body?: Type;
  /** Marked @Public(): the route needs no credentials, only metering asks for a caller. */
  public?: boolean;
  /** The handler's own work, done first (after the charge), before it ends: e.g. moves a fake clock or cuts the database. */
  work?: () => unknown;
  /** Waits for `probe.release()` before it ends: a request still in flight. */
  waits?: boolean;
  /** The answer, from the validated body and the probe's `runs` when it answers; default `{ served: true }`. */
  answer?: (body: any, runs: number) => unknown;
  /** Always fails after the charge, so the charge is refunded. */
  fails?: ProbeFailure;
  /** Answers, except once after `probe.failNext()`: then it fails like `fails`. */
  flaky?: ProbeFailure;
  /** Ends in a plain Error, an unexpected bug (500). */
  crashes?: string;
}

export interface Probe {
  /** The probe's controller, for startTestApp({ controllers }). */
  readonly controller: Type;
  /** Handler runs since the last reset(), over all the probe's routes; a request refused before its handler is not one. */
  readonly runs: number;
  /** Sets `runs` back to 0. */
  reset(): void;
  /** Lets the requests waiting in `waits` routes end. */
  release(): void;
  /** Makes the next request of a `flaky` route fail. */
  failNext(): void;
}

/** A probe controller at `prefix` with these routes; each route's handler method is named after its action. */
export function createProbe(prefix: string, routes: ProbeRoute[]): Probe {
  let runs = 0;
  let failNext = false;
  let waiting: (() => void)[] = [];

  class ProbeController {}

  for (const route of routes) {
    const endings = [route.fails, route.crashes, route.answer ?? route.flaky].filter((ending) => ending !== undefined);
    if (endings.length > 1) throw new Error(`probe route '${route.path}' either fails, crashes or answers`);
    if (Object.hasOwn(ProbeController.prototype, route.action)) throw new Error(`probe action ${route.action} is declared twice`);

    const handler = async (body: unknown): Promise<unknown> => {
      runs++;
      if (route.work) await route.work();
      if (route.waits) await new Promise<void>((resolve) => waiting.push(resolve));
      if (route.fails !== undefined) throw failure(route.fails);
      if (route.flaky !== undefined && failNext) {
        failNext = false;
        throw failure(route.flaky);
      }
      if (route.crashes !== undefined) throw new Error(route.crashes);
      return route.answer ? route.answer(body, runs) : { served: true };
    };
    // Named like its method: the metering guard finds a route's @Body() type by the handler's name.
    Object.defineProperty(handler, 'name', { value: route.action });
    Object.defineProperty(ProbeController.prototype, route.action, { value: handler, writable: true, configurable: true });

    const descriptor = Object.getOwnPropertyDescriptor(ProbeController.prototype, route.action)!;
    applyDecorators(Post(route.path), TokenPrice(route.action, route.cost), ...(route.public ? [Public()] : []))(
      ProbeController.prototype,
      route.action,
      descriptor,
    );
    if (route.body) {
      // What `method(@Body() body: Dto)` declares, and what TypeScript would emit for it.
      Body()(ProbeController.prototype, route.action, 0);
      Reflect.defineMetadata('design:paramtypes', [route.body], ProbeController.prototype, route.action);
    }
  }
  Controller(prefix)(ProbeController);

  return {
    controller: ProbeController,
    get runs() {
      return runs;
    },
    reset: () => {
      runs = 0;
    },
    release: () => {
      const released = waiting;
      waiting = [];
      for (const resolve of released) resolve();
    },
    failNext: () => {
      failNext = true;
    },
  };
}

function failure(fails: ProbeFailure): AppError {
  return typeof fails === 'string' ? new AppError(ErrorCode.SERVICE_FAILED, fails) : new AppError(fails.code, fails.message);
}
