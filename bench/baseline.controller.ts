import { Controller, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../src/common/auth.decorators.js';
import { AppError, ErrorCode } from '../src/common/app-error.js';
import type { Principal } from '../src/common/principal.js';

export const BASELINE_USAGE_TABLE = 'bench_token_usage';

/** The usage log of the baseline, like the `token_usage` table of the incident reports. */
export const CREATE_BASELINE_USAGE_TABLE = `CREATE TABLE IF NOT EXISTS ${BASELINE_USAGE_TABLE} (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id VARCHAR(36) NOT NULL,
  tokens BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY idx_bench_token_usage_user (user_id)
)`;

/**
 * What the teams in the incident reports shipped, for comparison only: read the balance,
 * subtract in JavaScript, write the result back, log the usage. Each statement runs on its own
 * (autocommit), as an ORM `find` + `save` + `insert` does. Two requests that read the same
 * balance both write `balance - 1`, so one charge is lost.
 *
 * This controller exists only in the benchmark module; the application never registers it.
 */
@Controller('bench')
export class BaselineController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Post('read-modify-write')
  async readModifyWrite(@CurrentPrincipal() principal: Principal): Promise<{ ok: true }> {
    const cost = 1;
    const [row] = await this.dataSource.query<{ balance: string }[]>('SELECT balance FROM token_accounts WHERE user_id = ?', [
      principal.userId,
    ]);
    const balance = Number(row?.balance ?? 0);
    if (balance < cost) {
      throw new AppError(ErrorCode.INSUFFICIENT_TOKENS, `Insufficient tokens: this request costs ${cost}, the balance is ${balance}`);
    }
    await this.dataSource.query('UPDATE token_accounts SET balance = ? WHERE user_id = ?', [balance - cost, principal.userId]);
    await this.dataSource.query(`INSERT INTO ${BASELINE_USAGE_TABLE} (user_id, tokens, created_at) VALUES (?, ?, NOW(3))`, [
      principal.userId,
      cost,
    ]);
    return { ok: true };
  }
}
