import type { Reply } from './chat-request.js';
import type { HandlerDeps } from './handler-deps.js';

/** `model list`: what the local registry holds. */
export async function handleModelList(deps: HandlerDeps): Promise<Reply> {
  const models = await deps.catalog.list();
  if (models.length === 0) {
    return { kind: 'ephemeral', text: 'No models are registered (SHIPMATE_MODELS is empty).' };
  }
  const lines = models.map((m) => `• \`${m.name}\` — versions ${m.versions.join(', ')}`);
  return { kind: 'ephemeral', text: ['Registered models:', ...lines].join('\n') };
}
