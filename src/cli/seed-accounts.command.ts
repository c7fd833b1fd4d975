import { TokenIntegrityService } from '@token-metering/tokens';
import { CliCommand, EXIT_FAILURE, EXIT_OK, integerOption } from './cli-command.js';

interface SeedArgs {
  batchSize: number;
  json: boolean;
}

/**
 * `seed-accounts`: creates the missing token account of every user with an active subscription,
 * from the subscription's limit with an `initial_grant` row, through the ledger's own seeding.
 * Safe to repeat and to run beside live traffic.
 */
export const seedAccountsCommand: CliCommand<SeedArgs> = {
  name: 'seed-accounts',
  summary: 'Create the token account of every subscribed user who has none (idempotent, safe beside live traffic)',
  options: {
    'batch-size': { type: 'string', description: 'Users read per batch, 1-10000 (default 500)' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  parse: (values) => ({
    batchSize: integerOption(values, 'batch-size', { min: 1, max: 10000, default: 500 }),
    json: values.json === true,
  }),
  async run(app, args, io) {
    const result = await app.get(TokenIntegrityService, { strict: false }).seedMissingAccounts({
      batchSize: args.batchSize,
      onBatch: (progress) => io.err(`... ${progress.examined} users without an account examined, ${progress.seeded} seeded`),
    });
    if (args.json) {
      io.out(JSON.stringify(result, null, 2));
    } else {
      io.out(
        `Seeded ${result.seeded} token account${result.seeded === 1 ? '' : 's'} ` +
          `(${result.examined} users without an account examined, ${result.skipped} skipped, ${result.failed} failed).`,
      );
      for (const failure of result.failures) io.err(`failed: ${failure.userId}: ${failure.error}`);
    }
    return result.failed === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
