import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { charCount } from '../text-tools.js';

/** Rejects strings made only of whitespace. */
export const NotBlank = (): PropertyDecorator => Matches(/\S/, { message: '$property must not be blank' });

export interface TextFieldOptions {
  maxLength: number;
  example: string;
  description?: string;
  optional?: boolean;
}

/** Length in characters (code points), counted the way pricing counts them. */
const CharLength = (min: number, max: number): PropertyDecorator =>
  ValidateBy({
    name: 'charLength',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && charCount(value) >= min && charCount(value) <= max,
      defaultMessage: (args) => `${args?.property} must be ${min} to ${max} characters long`,
    },
  });

/** A documented string property of 1..maxLength characters that is not blank. */
export function TextField({ maxLength, example, description, optional = false }: TextFieldOptions): PropertyDecorator {
  const docs = { type: String, minLength: 1, maxLength, example, description };
  return applyDecorators(
    ...(optional ? [ApiPropertyOptional(docs), IsOptional()] : [ApiProperty(docs)]),
    IsString(),
    CharLength(1, maxLength),
    NotBlank(),
  );
}
