import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum UserRole {
  User = 'user',
  Admin = 'admin',
}

@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
@Index('idx_users_created_at', ['createdAt', 'id'])
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /**
   * In its normal form (see normalizeEmail) and compared exactly: binary on MySQL/MariaDB (migration
   * 1763700000010), as SQLite compares anyway. TypeORM's schema comparison reads no collations, so
   * this entity, shared by both databases, does not name one.
   */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 120, nullable: true })
  name: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16, default: UserRole.User })
  role: UserRole;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
