import { TextField } from './text-field.js';

export class ChatDto {
  @TextField({ maxLength: 4000, example: 'How do I make cold brew coffee at home?' })
  message: string;
}
