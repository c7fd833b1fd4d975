import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TokensErrorCode } from '../tokens.errors.js';

/** The body of the tokens module's error answers (402, 409, 503, ...), as TokensError gives it. */
export class TokensErrorBodyDto {
  @ApiProperty({ example: 402 })
  statusCode: number;

  @ApiProperty({ enum: TokensErrorCode, example: TokensErrorCode.INSUFFICIENT_TOKENS })
  code: string;

  @ApiProperty({ example: 'Insufficient tokens: this action costs 300, balance is 12' })
  message: string;

  @ApiPropertyOptional({ description: 'Current balance, on INSUFFICIENT_TOKENS' })
  balance?: number;

  @ApiPropertyOptional({ description: 'Tokens the request needs, on INSUFFICIENT_TOKENS' })
  required?: number;
}
