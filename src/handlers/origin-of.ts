import type { JobOrigin } from '../queue/job-origin.js';
import type { ChatRequest } from './chat-request.js';

/** The job origin of a chat request: where the status message goes and who asked. */
export function originOf(request: ChatRequest): JobOrigin {
  return {
    platform: request.platform,
    userId: request.userId,
    userName: request.userName,
    channelId: request.channelId,
    requestId: request.requestId,
    text: request.text.slice(0, 4000),
  };
}
