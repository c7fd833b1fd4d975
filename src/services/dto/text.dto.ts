import { TextField } from './text-field.js';

/** Body of the text services: SEO title, meta description, rewrite and write-more. */
export class TextDto {
  @TextField({
    maxLength: 20000,
    example: 'Cold brew coffee is smoother than hot coffee. The grind, the ratio and the steeping time decide the taste.',
  })
  text: string;
}
