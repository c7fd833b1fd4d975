import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { TextField } from './text-field.js';

const MAX_LEADS = 1000;

export class BusinessCollectorDto {
  @TextField({ maxLength: 200, example: 'coffee shops in Berlin', description: 'Kind of business, optionally "in <city>"' })
  query: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LEADS, example: 250, description: 'Number of leads to collect' })
  @IsInt()
  @Min(1)
  @Max(MAX_LEADS)
  count: number;
}
