import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.js';

/**
 * Reads a Responses body into the chat completion that answers it (see parseResponsesRequest): a
 * bad parameter is a 400 naming it. The app's global pipe leaves a body typed with an interface
 * alone, so the route types its body as ResponsesRequest and this pipe does the work.
 */
@Injectable()
export class ResponsesRequestPipe implements PipeTransform<unknown, ResponsesRequest> {
  transform(value: unknown): ResponsesRequest {
    return parseResponsesRequest(value);
  }
}
