import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { ApiKey } from '../api-key.entity.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'production server' })
  @IsString()
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: '9b2d4c1e-0a3f-4d5e-8f7a-6b5c4d3e2f1a' })
  id: string;

  @ApiProperty({ example: 'production server' })
  name: string;

  @ApiProperty({ example: 'tk_Xa81bQ', description: 'First characters of the key, to recognise it' })
  prefix: string;

  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: null, nullable: true, type: String })
  lastUsedAt: string | null;

  static from(apiKey: ApiKey): ApiKeyDto {
    const { id, name, prefix, createdAt, lastUsedAt } = apiKey;
    return { id, name, prefix, createdAt: createdAt.toISOString(), lastUsedAt: lastUsedAt?.toISOString() ?? null };
  }
}

export class CreatedApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'tk_Xa81bQ...', description: 'The key itself: shown only in this answer' }) key: string;
  @ApiProperty() prefix: string;
  @ApiProperty() createdAt: string;
}
