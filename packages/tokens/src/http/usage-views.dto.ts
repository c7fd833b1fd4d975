import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NO_ACTION_KEY, type UsageFigures, type UsageGrouping, type UsageReport } from '../usage/token-usage.service.js';
import { MAX_USAGE_DAYS, USAGE_DAY_FORMAT } from '../usage/usage-range.js';

const DAY_OR_TIME = 'a UTC day `YYYY-MM-DD`, or an ISO-8601 time with its offset (its UTC day is taken)';

export class UsageQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-07',
    description: `First day, included: ${DAY_OR_TIME}. Default: 29 days before \`to\`.`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(USAGE_DAY_FORMAT, { message: 'from must be a date (YYYY-MM-DD) or an ISO-8601 time with its offset' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-06',
    description: `Last day, included: ${DAY_OR_TIME}. Default: today. At most ${MAX_USAGE_DAYS} days from \`from\`.`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(USAGE_DAY_FORMAT, { message: 'to must be a date (YYYY-MM-DD) or an ISO-8601 time with its offset' })
  to?: string;

  @ApiPropertyOptional({ enum: ['day'], default: 'day', description: 'Length of a point: UTC days (the only one for now)' })
  @IsOptional()
  @IsIn(['day'])
  interval = 'day' as const;

  @ApiPropertyOptional({
    enum: ['action', 'model'],
    default: 'action',
    description: `One series per metered action, or per AI model (entries without a model, such as fixed-price actions, under their action; entries without an action under \`${NO_ACTION_KEY}\`)`,
  })
  @IsOptional()
  @IsIn(['action', 'model'])
  groupBy: UsageGrouping = 'action';
}

export class UsageFiguresDto {
  @ApiProperty({ example: 1250, description: 'Net tokens spent: what usage entries took minus what refunds gave back' })
  tokens: number;

  @ApiProperty({ example: 4, description: 'Charged requests: usage entries minus refunds (a refund gives back a whole charge)' })
  requests: number;
}

export class UsagePointDto extends UsageFiguresDto {
  @ApiProperty({ example: '2026-12-06T00:00:00.000Z', description: 'Start of the UTC day' })
  start: string;
}

export class UsageSeriesDto {
  @ApiProperty({ example: 'ai_completion', description: 'The action, or the model (groupBy=model)' })
  key: string;

  @ApiProperty({ type: [UsagePointDto], description: 'One point per day from `from` to `to`, days without spending included (zeros)' })
  points: UsagePointDto[];

  @ApiProperty({ type: UsageFiguresDto, description: "The series' points summed" })
  total: UsageFiguresDto;
}

export class UsageReportDto {
  @ApiProperty({ enum: ['day'], example: 'day' })
  interval: 'day';

  @ApiProperty({ enum: ['action', 'model'], example: 'action' })
  groupBy: UsageGrouping;

  @ApiProperty({ example: '2026-11-07T00:00:00.000Z', description: 'Start of the first day (included)' })
  from: string;

  @ApiProperty({ example: '2026-12-06T00:00:00.000Z', description: 'Start of the last day (included)' })
  to: string;

  @ApiProperty({
    type: [UsageSeriesDto],
    description: 'Series with any spending in the range, the largest total first; each has the same days, so a chart can stack them',
  })
  series: UsageSeriesDto[];

  @ApiProperty({ type: UsageFiguresDto, example: { tokens: 1650, requests: 9 } })
  totals: UsageFiguresDto;

  static from(report: UsageReport): UsageReportDto {
    const figures = ({ tokens, requests }: UsageFigures) => ({ tokens, requests });
    return {
      interval: report.interval,
      groupBy: report.groupBy,
      from: report.from.toISOString(),
      to: report.to.toISOString(),
      series: report.series.map((series) => ({
        key: series.key,
        points: series.points.map((point) => ({ start: point.start.toISOString(), ...figures(point) })),
        total: figures(series.total),
      })),
      totals: figures(report.totals),
    };
  }
}
