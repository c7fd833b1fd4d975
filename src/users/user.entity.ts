import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export enum UserRole {
  User = 'user',
  Admin = 'admin',
}

@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

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
