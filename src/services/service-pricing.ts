import { type PriceDescription, type PriceUnits, tokenAmount } from '@token-metering/tokens';
import type { BusinessCollectorDto } from './dto/business-collector.dto.js';
import type { TextDto } from './dto/text.dto.js';
import { charCount } from './text-tools.js';

export const LEADS_PER_UNIT = 100;
export const REWRITE_CHARS_PER_UNIT = 1000;
export const REWRITE_MAX_UNITS = 4;

/** Started blocks of 100 leads. */
export function leadUnits(count: number): number {
  return Math.ceil(count / LEADS_PER_UNIT);
}

/** Started blocks of 1,000 characters (code points), capped so a rewrite costs at most 4 units. */
export function rewriteUnits(text: string): number {
  return Math.min(REWRITE_MAX_UNITS, Math.ceil(charCount(text) / REWRITE_CHARS_PER_UNIT));
}

// The token guard calls these with the validated body.
export const businessCollectorCostUnits: PriceUnits<BusinessCollectorDto> = (body) => leadUnits(body.count);
export const rewriteCostUnits: PriceUnits<TextDto> = (body) => rewriteUnits(body.text);

// The pricing rules in words, at the caller's price (GET /tokens/costs) or the default (the API docs).
export const businessCollectorPricing: PriceDescription = (price) => `${tokenAmount(price)} per started ${LEADS_PER_UNIT} leads`;
export const rewritePricing: PriceDescription = (price) =>
  `${tokenAmount(price)} per started ${REWRITE_CHARS_PER_UNIT.toLocaleString('en-US')} characters, at most ${tokenAmount(price * REWRITE_MAX_UNITS)}`;
