import type { ModalView } from '@slack/web-api';
import { z } from 'zod';

/** The modal's callback id, and the block ids, one per field of `deploy`. */
export const deployModalId = 'shipmate_deploy';
const fields = ['models', 'name', 'cpu', 'memory', 'replicas', 'auth'] as const;
type Field = (typeof fields)[number];

/** What the modal carries from opening to submission. */
const metadata = z.object({ channelId: z.string().min(1) });

/** One registered model with its versions, as the modal lists them. */
export interface ModalModel {
  name: string;
  versions: readonly string[];
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (text: string) => ({ text: plain(text), value: text });

/**
 * The deploy modal: registered models and versions, service name, resources and auth. Its
 * values are the options of the text `deploy`, checked by the same schema on submission.
 */
export function deployModal(models: readonly ModalModel[], channelId: string): ModalView {
  // A static select lists at most 100 options.
  const refs = models.flatMap((m) => m.versions.map((v) => `${m.name}:${v}`)).slice(0, 100);
  const text = (block: Field, label: string, hint: string, optional = true) => ({
    type: 'input' as const,
    block_id: block,
    optional,
    label: plain(label),
    hint: plain(hint),
    element: { type: 'plain_text_input' as const, action_id: 'value' },
  });
  return {
    type: 'modal',
    callback_id: deployModalId,
    private_metadata: JSON.stringify({ channelId }),
    title: plain('Deploy a model'),
    submit: plain('Deploy'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'models',
        label: plain('Model and version'),
        element: {
          type: 'static_select',
          action_id: 'value',
          placeholder: plain('Pick a registered model'),
          options: refs.map(option),
        },
      },
      text('name', 'Service name', '3–32 lowercase letters, digits and -', false),
      text('cpu', 'CPU cores', 'Default 0.1'),
      text('memory', 'Memory (GB)', 'Default 0.5'),
      text('replicas', 'Replicas', 'A fixed count; leave empty to autoscale 1-10'),
      {
        type: 'input',
        block_id: 'auth',
        optional: true,
        label: plain('Auth'),
        element: {
          type: 'static_select',
          action_id: 'value',
          initial_option: option('key'),
          options: ['key', 'token', 'none'].map(option),
        },
      },
    ],
  };
}

/** A submitted element: a text input's value or a select's chosen option. */
const element = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
const stateValues = z.record(z.string(), z.record(z.string(), element));

/** A submission read back into `deploy`'s options: `{ models, name, cpu, … }`. */
export interface DeploySubmission {
  channelId: string;
  input: Record<string, string>;
  /** The command as if typed, for the status message and the audit log. */
  text: string;
}

/** Reads a `view_submission`'s view; undefined when it is not a deploy modal of ours. */
export function readDeploySubmission(view: {
  private_metadata?: string;
  state?: { values?: unknown };
}): DeploySubmission | undefined {
  const meta = metadata.safeParse(safeJson(view.private_metadata));
  const values = stateValues.safeParse(view.state?.values ?? {});
  if (!meta.success || !values.success) return undefined;

  const input: Record<string, string> = {};
  for (const field of fields) {
    const chosen = values.data[field]?.value;
    const value = chosen?.selected_option?.value ?? chosen?.value ?? undefined;
    if (value !== undefined && value.trim() !== '') input[field] = value.trim();
  }
  const options = fields
    .filter((f) => f !== 'models' && input[f] !== undefined)
    .map((f) => `--${f} ${input[f] ?? ''}`);
  const text = ['/ml deploy', input.models ?? '', ...options].join(' ');
  return { channelId: meta.data.channelId, input, text };
}

/** zod issues as Slack's `response_action: errors` map: block id → message. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    const block = (fields as readonly string[]).includes(key) ? key : 'name';
    errors[block] ??= issue.message;
  }
  return errors;
}

function safeJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
