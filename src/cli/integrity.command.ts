import { IntegrityReportDto } from '@token-metering/tokens';
import { DEFAULT_REPORT_LIMIT, IntegrityReport, MAX_REPORT_LIMIT, TokenIntegrityService } from '@token-metering/tokens';
import { CliCommand, EXIT_FAILURE, EXIT_OK, integerOption } from './cli-command.js';

interface IntegrityArgs {
  json: boolean;
  limit: number;
}

/** `integrity`: the report of GET /admin/tokens/integrity; exit code 0 when ok, 1 otherwise. */
export const integrityCommand: CliCommand<IntegrityArgs> = {
  name: 'integrity',
  summary: 'Check the token ledger invariants; exit code 0 when everything is consistent, 1 otherwise',
  options: {
    json: { type: 'boolean', description: 'Print the report as JSON (the body of GET /admin/tokens/integrity)' },
    limit: { type: 'string', description: `Entries listed per kind of problem, 1-${MAX_REPORT_LIMIT} (default ${DEFAULT_REPORT_LIMIT})` },
  },
  parse: (values) => ({
    json: values.json === true,
    limit: integerOption(values, 'limit', { min: 1, max: MAX_REPORT_LIMIT, default: DEFAULT_REPORT_LIMIT }),
  }),
  async run(app, args, io) {
    const report = await app.get(TokenIntegrityService, { strict: false }).report({ limit: args.limit });
    io.out(args.json ? JSON.stringify(IntegrityReportDto.from(report), null, 2) : formatReport(report));
    return report.ok ? EXIT_OK : EXIT_FAILURE;
  },
};

export function formatReport(report: IntegrityReport): string {
  const { counts } = report;
  const lines = [
    `Token ledger integrity at ${report.checkedAt.toISOString()}: ${report.accountsChecked} accounts checked`,
    row('balance differs from the ledger sum', counts.mismatches),
    row('bucket differs from its movements', counts.bucketMismatches),
    row('negative balance', counts.negativeBalances),
    row('subscribed user without an account', counts.usersWithoutAccount),
    row('broken ledger chain', counts.brokenChains),
    row('held differs from the open holds', counts.heldMismatches),
    row('owed differs from the ledger', counts.owedMismatches),
    row('promotional grant differs from the ledger', counts.grantMismatches),
    report.ok ? 'OK' : 'PROBLEMS FOUND',
  ];
  const section = (title: string, count: number, entries: string[]) => {
    if (count === 0) return;
    lines.push(
      '',
      `${title} (${count}${entries.length < count ? `, first ${entries.length} listed` : ''}):`,
      ...entries.map((e) => `  ${e}`),
    );
  };
  section(
    'Balance differs from the ledger sum',
    counts.mismatches,
    report.mismatches.map((m) => `${m.userId}  balance ${m.balance}  ledger sum ${m.ledgerSum}`),
  );
  section(
    'Allowance or credits differ from their movements',
    counts.bucketMismatches,
    report.bucketMismatches.map(
      (b) =>
        `${b.userId}  balance ${b.balance}  allowance ${b.allowance} (ledger ${b.ledgerAllowance})  credits ${b.credits} (ledger ${b.ledgerCredits})`,
    ),
  );
  section(
    'Negative balance',
    counts.negativeBalances,
    report.negativeBalances.map((n) => `${n.userId}  balance ${n.balance}`),
  );
  section(
    'Subscribed user without an account (repair: seed-accounts)',
    counts.usersWithoutAccount,
    report.usersWithoutAccount.map((u) => `${u.userId}  plan ${u.planCode}`),
  );
  section(
    'Broken ledger chain',
    counts.brokenChains,
    report.brokenChains.map((c) => `${c.userId}  seq ${c.seq}  ${c.problem}: expected ${c.expected}, actual ${c.actual ?? 'none'}`),
  );
  section(
    'Held differs from the sum of the open holds',
    counts.heldMismatches,
    report.heldMismatches.map((h) => `${h.userId}  held ${h.held}  open holds ${h.openHolds}`),
  );
  section(
    'Owed differs from the ledger (uncollected minus repaid)',
    counts.owedMismatches,
    report.owedMismatches.map((o) => `${o.userId}  owed ${o.owed}  ledger ${o.ledgerOwed}`),
  );
  section(
    'Promotional grants the ledger does not bear out',
    counts.grantMismatches,
    report.grantMismatches.map(
      (g) => `${g.userId}  grant ${g.grantId ?? '(all)'}  amount ${g.amount}  remaining ${g.remaining}  credits ${g.credits}`,
    ),
  );
  if (report.truncated) lines.push('', `Lists hold the first ${report.limit} entries of each kind; use --limit for more.`);
  return lines.join('\n');
}

function row(label: string, count: number): string {
  return `  ${label.padEnd(40)}${count}`;
}
