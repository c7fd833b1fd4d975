import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CHAIN_PROBLEMS, type ChainProblem, DEFAULT_REPORT_LIMIT, type IntegrityReport, MAX_REPORT_LIMIT } from './integrity-report.js';

export class IntegrityQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_REPORT_LIMIT,
    default: DEFAULT_REPORT_LIMIT,
    description: 'Entries listed per kind of problem',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_REPORT_LIMIT)
  limit?: number;
}

export class BalanceMismatchDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 120, description: 'token_accounts.balance' })
  balance: number;

  @ApiProperty({ example: 100, description: "SUM(amount) of the user's ledger rows (0 when there are none)" })
  ledgerSum: number;
}

export class BucketMismatchDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 1100 })
  balance: number;

  @ApiProperty({ example: 100, description: 'token_accounts.allowance' })
  allowance: number;

  @ApiProperty({ example: 1000, description: 'token_accounts.credits' })
  credits: number;

  @ApiProperty({ example: 100, description: "SUM(allowanceAmount) of the user's ledger rows" })
  ledgerAllowance: number;

  @ApiProperty({ example: 900, description: "SUM(creditsAmount) of the user's ledger rows" })
  ledgerCredits: number;
}

export class NegativeBalanceDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: -5 })
  balance: number;
}

export class UserWithoutAccountDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 'starter', description: 'The price tier the account would open with (AccountPolicy.missingAccounts)' })
  planCode: string;
}

export class BrokenChainDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 7, description: 'The ledger row concerned; for account-level problems the last row (0: the account has none)' })
  seq: number;

  @ApiProperty({ example: 93 })
  expected: number;

  @ApiProperty({ example: 98, nullable: true, type: Number })
  actual: number | null;

  @ApiProperty({
    enum: CHAIN_PROBLEMS,
    example: 'balance_after',
    description:
      "`balance_after`: the row's balance_after is not the previous row's balance_after plus its amount (seq 1: not its amount). " +
      '`seq_gap`: the row before `seq` is missing (expected: seq - 1, actual: the highest seq below, 0 for none). ' +
      "`account_balance`: the account balance (actual) is not its last row's balance_after (expected). " +
      "`ledger_seq`: the account's ledger_seq (actual) is not its highest seq (expected). " +
      '`missing_account`: ledger rows of a user without an account (expected: their sum, actual: null). ' +
      "`bucket_split`: the row's allowanceAmount + creditsAmount (actual) is not its amount (expected).",
  })
  problem: ChainProblem;
}

export class HeldMismatchDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 120, description: 'token_accounts.held' })
  held: number;

  @ApiProperty({ example: 100, description: "SUM(amount) of the account's open holds" })
  openHolds: number;
}

export class OwedMismatchDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({ example: 40, description: 'token_accounts.owed' })
  owed: number;

  @ApiProperty({
    example: 25,
    description: "What the account's ledger left uncollected (metadata.uncollected) minus its owed_repayment entries",
  })
  ledgerOwed: number;
}

export class GrantMismatchDto {
  @ApiProperty({ example: '4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10' })
  userId: string;

  @ApiProperty({
    example: '3c6f2b7e-0a59-4d1c-9b8e-2f1a7c5d9e04',
    nullable: true,
    type: String,
    description: 'The grant; null when the grants together hold more than the credits, or a debit of credits found none',
  })
  grantId: string | null;

  @ApiProperty({ example: 500, description: "The grant's amount (of all the account's grants, when grantId is null)" })
  amount: number;

  @ApiProperty({ example: -20, description: 'What the ledger says is left of it (of the grants not expired, when grantId is null)' })
  remaining: number;

  @ApiProperty({ example: 300, description: "The account's credits" })
  credits: number;
}

export class IntegrityCountsDto {
  @ApiProperty({ example: 0 })
  mismatches: number;

  @ApiProperty({ example: 0 })
  bucketMismatches: number;

  @ApiProperty({ example: 0 })
  negativeBalances: number;

  @ApiProperty({ example: 0 })
  usersWithoutAccount: number;

  @ApiProperty({ example: 0 })
  brokenChains: number;

  @ApiProperty({ example: 0 })
  heldMismatches: number;

  @ApiProperty({ example: 0 })
  owedMismatches: number;

  @ApiProperty({ example: 0 })
  grantMismatches: number;
}

export class IntegrityReportDto {
  @ApiProperty({ example: 1250, description: 'Token accounts in the database' })
  accountsChecked: number;

  @ApiProperty({ type: [BalanceMismatchDto], description: 'Accounts whose balance is not the sum of their ledger' })
  mismatches: BalanceMismatchDto[];

  @ApiProperty({
    type: [BucketMismatchDto],
    description:
      'Accounts whose allowance or credits are not the sum of what their ledger rows moved in that bucket, are negative, or do not add up to the balance',
  })
  bucketMismatches: BucketMismatchDto[];

  @ApiProperty({ type: [NegativeBalanceDto] })
  negativeBalances: NegativeBalanceDto[];

  @ApiProperty({
    type: [UserWithoutAccountDto],
    description:
      'Payers the account policy would open an account for that have none yet (AccountPolicy.missingAccounts; seeding opens them)',
  })
  usersWithoutAccount: UserWithoutAccountDto[];

  @ApiProperty({ type: [BrokenChainDto], description: 'Ledger rows and accounts that do not follow from the rows before them' })
  brokenChains: BrokenChainDto[];

  @ApiProperty({ type: [HeldMismatchDto], description: 'Accounts whose `held` is not the sum of their open holds' })
  heldMismatches: HeldMismatchDto[];

  @ApiProperty({
    type: [OwedMismatchDto],
    description: "Accounts whose `owed` is not the sum of their entries' `metadata.uncollected` minus their `owed_repayment` entries",
  })
  owedMismatches: OwedMismatchDto[];

  @ApiProperty({
    type: [GrantMismatchDto],
    description:
      'Promotional grants whose rest, read from the ledger, is below 0, above their amount, or not removed exactly by their `grant_expiry`; and accounts whose grants hold more than their credits',
  })
  grantMismatches: GrantMismatchDto[];

  @ApiProperty({
    type: IntegrityCountsDto,
    description: 'Complete number of findings of each kind; each list holds at most `limit` of them',
  })
  counts: IntegrityCountsDto;

  @ApiProperty({ example: DEFAULT_REPORT_LIMIT })
  limit: number;

  @ApiProperty({ example: false, description: 'True when a list holds fewer entries than its count' })
  truncated: boolean;

  @ApiProperty({ example: true, description: 'True only when every list is empty' })
  ok: boolean;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  checkedAt: string;

  static from(report: IntegrityReport): IntegrityReportDto {
    return { ...report, checkedAt: report.checkedAt.toISOString() };
  }
}
