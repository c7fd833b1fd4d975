import { Controller, Get, Query } from '@nestjs/common';
import { TokensRoutes } from '../http/tokens-routes.js';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { errorResponse } from '../http/error-body.dto.js';
import { TokensErrorCode } from '../tokens.errors.js';
import { AdminRoutes } from './admin-routes.js';
import { IntegrityQueryDto, IntegrityReportDto } from './integrity-report.dto.js';
import { TokenIntegrityService } from './token-integrity.service.js';

@AdminRoutes()
@TokensRoutes()
@Controller('admin/tokens')
export class AdminIntegrityController {
  constructor(private readonly integrity: TokenIntegrityService) {}

  @Get('integrity')
  @ApiOperation({
    summary: 'Check the ledger invariants over every account',
    description:
      'balance == SUM(ledger), balance >= 0, every payer the account policy would open an account for has one, every balance_after continues the row before, ' +
      'and every account agrees with its last row. `ok` is true only when every list is empty. Read-only; takes no locks.',
  })
  @ApiOkResponse({ type: IntegrityReportDto })
  @ApiResponse(
    errorResponse(400, 'VALIDATION_FAILED: `limit` is not an integer from 1 to 1000', [
      TokensErrorCode.VALIDATION_FAILED,
      'Validation failed: limit',
      { details: [{ field: 'limit', errors: ['limit must not be greater than 1000'] }] },
    ]),
  )
  async report(@Query() query: IntegrityQueryDto): Promise<IntegrityReportDto> {
    return IntegrityReportDto.from(await this.integrity.report({ limit: query.limit }));
  }
}
