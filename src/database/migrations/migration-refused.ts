/**
 * A migration that found data it must not change on its own. Thrown before it changed anything; the
 * message says what to fix. Start-up stops at once instead of retrying the connection.
 */
export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
}
