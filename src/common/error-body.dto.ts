import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './app-error.js';

/** One bad field of a VALIDATION_FAILED answer. */
export class FieldErrorDto {
  @ApiProperty({ example: 'text', description: 'The field, dotted for nested ones (`request` when no field can be named)' })
  field: string;

  @ApiProperty({ type: [String], example: ['text must be a string'] })
  errors: string[];
}

export class ErrorBodyDto {
  @ApiProperty({ example: 402 })
  statusCode: number;

  @ApiProperty({ enum: ErrorCode, example: ErrorCode.INSUFFICIENT_TOKENS })
  code: ErrorCode;

  @ApiProperty({ example: 'Insufficient tokens: this request costs 300, the balance is 12' })
  message: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'Bad fields, on VALIDATION_FAILED',
    example: [{ field: 'text', errors: ['text must be a string'] }],
  })
  details?: { field: string; errors: string[] }[];

  @ApiPropertyOptional({ description: 'Current balance, on INSUFFICIENT_TOKENS' })
  balance?: number;

  @ApiPropertyOptional({ description: 'Tokens the request needs, on INSUFFICIENT_TOKENS and KEY_LIMIT_REACHED' })
  required?: number;

  @ApiPropertyOptional({ description: "The API key's spending limit, on KEY_LIMIT_REACHED" })
  limit?: number;

  @ApiPropertyOptional({ description: "What the API key spent in the limit's current period, on KEY_LIMIT_REACHED" })
  spent?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "When the limit's period ends (null for a limit of all time), on KEY_LIMIT_REACHED",
  })
  resetsAt?: string | null;

  @ApiPropertyOptional({ description: 'Request id, also in the X-Request-Id header' })
  requestId?: string;
}
