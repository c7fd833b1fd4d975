import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A threshold as the user set it: a number of tokens, or a percentage of the plan's period allowance. */
export type AlertThreshold = { tokens: number } | { percentOfAllowance: number };

const thresholdsJson = {
  to: (value: AlertThreshold[]) => JSON.stringify(value),
  from: (value: string) => JSON.parse(value) as AlertThreshold[],
};

/** A user's balance alerts: where they go, the key that signs them, and the thresholds that fire them. */
@Entity('alert_settings')
export class AlertSetting {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2048 })
  webhookUrl: string;

  /** HMAC-SHA256 key of the X-Signature header; shown to the user once, when set. */
  @Column({ name: 'signing_secret', type: 'varchar', length: 100 })
  signingSecret: string;

  @Column({ type: 'text', transformer: thresholdsJson })
  thresholds: AlertThreshold[];

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
