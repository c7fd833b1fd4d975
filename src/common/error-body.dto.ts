import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from './app-error.js';

export class ErrorBodyDto {
  @ApiProperty({ example: 402 })
  statusCode: number;

  @ApiProperty({ enum: ErrorCode, example: ErrorCode.INSUFFICIENT_TOKENS })
  code: ErrorCode;

  @ApiProperty({ example: 'Insufficient tokens: this action costs 300, balance is 12' })
  message: string;

  @ApiPropertyOptional({ description: 'Bad fields, on VALIDATION_FAILED', example: [{ field: 'text', errors: ['text must be a string'] }] })
  details?: { field: string; errors: string[] }[];

  @ApiPropertyOptional({ description: 'Current balance, on INSUFFICIENT_TOKENS' })
  balance?: number;

  @ApiPropertyOptional({ description: 'Tokens the request needs, on INSUFFICIENT_TOKENS' })
  required?: number;

  @ApiPropertyOptional({ description: 'Request id, also in the X-Request-Id header' })
  requestId?: string;
}
