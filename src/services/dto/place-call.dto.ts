import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TextField } from './text-field.js';

export class PlaceCallDto {
  @ApiProperty({ example: '+4915123456789', description: 'Number to call, in E.164 format', pattern: '^\\+[1-9]\\d{6,14}$' })
  @IsString()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'to must be an E.164 phone number such as +4915123456789' })
  to: string;

  @TextField({
    maxLength: 2000,
    optional: true,
    example: 'Hello, this is a reminder of your appointment tomorrow at 10 am.',
    description: 'What the call says; a short greeting when omitted',
  })
  script?: string;
}
