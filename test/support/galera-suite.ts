/**
 * `describe` for a suite that runs on the local Galera cluster (test/support/galera.ts): three mariadbd
 * and about a quarter of a minute to start, so such a suite runs only when asked for with GALERA=1 (on
 * either TEST_DB) and is skipped otherwise. With GALERA=1 and no MariaDB, Galera or rsync installed it
 * fails, saying what is missing.
 */
export const ON_GALERA = process.env.GALERA === '1';

export const describeOnGalera: jest.Describe = ON_GALERA ? describe : describe.skip;
