import type { ValueTransformer } from 'typeorm';

/** mysql2 returns BIGINT as a string; amounts are kept within Number.MAX_SAFE_INTEGER at the edge. */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
