import { TextField } from './text-field.js';

export class FindImageDto {
  @TextField({ maxLength: 200, example: 'mountain lake at dawn' })
  query: string;
}
