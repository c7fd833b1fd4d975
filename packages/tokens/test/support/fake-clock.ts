import { Clock } from '@token-metering/database';

/** A clock the test moves by hand. */
export class FakeClock extends Clock {
  private current = new Date();

  override now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
