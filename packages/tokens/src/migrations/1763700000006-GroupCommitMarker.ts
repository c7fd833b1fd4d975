import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** The id of the statement that last charged an account together with others (group commit). */
export class GroupCommitMarker1763700000006 implements MigrationInterface {
  name = 'GroupCommitMarker1763700000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'token_accounts',
      new TableColumn({ name: 'last_statement_id', type: 'varchar', length: '36', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('token_accounts', 'last_statement_id');
  }
}
