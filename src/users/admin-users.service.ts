import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { selectRows } from '@token-metering/database';
import { BalanceDto, TokensService } from '@token-metering/tokens';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error.js';
import { SubscriptionDto } from '../subscriptions/dto/subscription.dto.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';
import type { AdminUserDto, AdminUsersPageDto, AdminUserSummaryDto } from './dto/admin-users.dto.js';
import { UserRole } from './user.entity.js';
import { UsersService } from './users.service.js';

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  created_at: string | Date;
  plan_code: string | null;
}

/** Where a page ends: the last user's creation time as the database stores it, and id (the list's order). */
interface Position {
  createdAt: string;
  id: string;
}

const POSITION = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\|([0-9a-f-]{36})$/;

// `!` escapes LIKE's wildcards on both databases; a backslash is then an ordinary character on both.
const likePrefix = (prefix: string): string => `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** The admin's view of users: a search by email prefix, newest first, and one user with subscription and balance. */
@Injectable()
export class AdminUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly subscriptions: SubscriptionsService,
    private readonly tokens: TokensService,
  ) {}

  /** Users whose (normalized) email starts with `email`, newest first, `limit` a page, after `cursor`. */
  async search(query: { email?: string; cursor?: string; limit: number }): Promise<AdminUsersPageDto> {
    const after = query.cursor === undefined ? null : positionOf(query.cursor);
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.email) {
      conditions.push("u.email LIKE ? ESCAPE '!'");
      parameters.push(likePrefix(query.email));
    }
    if (after) {
      conditions.push('(u.created_at < ? OR (u.created_at = ? AND u.id < ?))');
      parameters.push(after.createdAt, after.createdAt, after.id);
    }
    const rows = await selectRows<UserRow>(
      this.dataSource.manager,
      `SELECT u.id, u.email, u.name, u.role, u.created_at, s.plan_code
         FROM users u LEFT JOIN subscriptions s ON s.user_id = u.id
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT ?`,
      [...parameters, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const balances = await this.tokens.storedBalances(page.map((row) => row.id));
    const items = page.map((row): AdminUserSummaryDto => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      plan: row.plan_code,
      balance: balances.get(row.id) ?? null,
      createdAt: createdAtOf(row).toISOString(),
    }));
    return { items, nextCursor: rows.length > query.limit ? cursorAfter(page[page.length - 1]) : null };
  }

  /** One user with the subscription and the balance the user sees; 404 for an unknown id. */
  async profile(userId: string): Promise<AdminUserDto> {
    const user = await this.users.get(userId);
    const subscription = await this.subscriptions.findForUser(userId);
    const [plan, balance] = subscription
      ? await Promise.all([this.subscriptions.getPlan(subscription.planCode), this.tokens.balance(userId)])
      : [null, null];
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      createdAt: user.createdAt.toISOString(),
      subscription: subscription && plan ? SubscriptionDto.from(subscription, plan) : null,
      balance: balance && BalanceDto.from(balance),
    };
  }
}

/** A datetime column as the drivers give it in a raw row: a Date (mysql2), or UTC text (SQLite). */
function createdAtOf(row: UserRow): Date {
  return row.created_at instanceof Date ? row.created_at : new Date(`${row.created_at.replace(' ', 'T')}Z`);
}

/**
 * The position after `row`, its time as stored (UTC text to the millisecond on MySQL/MariaDB, SQLite's
 * own text), so the next page compares with exactly what the database holds.
 */
function cursorAfter(row: UserRow): string {
  const stored = row.created_at instanceof Date ? row.created_at.toISOString().slice(0, 23).replace('T', ' ') : row.created_at;
  return Buffer.from(`${stored}|${row.id}`).toString('base64url');
}

function positionOf(cursor: string): Position {
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || Number.isNaN(Date.parse(`${match[1].replace(' ', 'T')}Z`)))
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'cursor must be a nextCursor value', {
      details: [{ field: 'cursor', errors: ['cursor must be a nextCursor value'] }],
    });
  return { createdAt: match[1], id: match[2] };
}
