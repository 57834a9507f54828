import { describe, expect, it } from 'vitest';

import { findSpec } from '../../commands/parse-command.js';
import { deployModal, fieldErrors, readDeploySubmission } from './deploy-modal.js';

const schema = findSpec(['deploy'])!.schema;
const modal = deployModal([{ name: 'diabetes', versions: ['1', '2'] }], 'C0CHAN');

function submitted(values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [block, value] of Object.entries(values)) {
    state[block] = {
      value: block === 'models' ? { selected_option: { value } } : { value },
    };
  }
  return readDeploySubmission({
    private_metadata: modal.private_metadata,
    state: { values: state },
  });
}

describe('the deploy modal', () => {
  it('lists every registered model version', () => {
    const first = modal.blocks[0] as { element: { options: Array<{ value: string }> } };
    expect(first.element.options.map((o) => o.value)).toEqual(['diabetes:1', 'diabetes:2']);
  });

  it('reads a submission back into the options of the text deploy', () => {
    const submission = submitted({
      models: 'diabetes:2',
      name: 'scoring',
      cpu: ' 0.5 ',
      memory: '',
    });

    expect(submission).toEqual({
      channelId: 'C0CHAN',
      input: { models: 'diabetes:2', name: 'scoring', cpu: '0.5' },
      text: '/ml deploy diabetes:2 --name scoring --cpu 0.5',
    });
    expect(schema.parse(submission?.input)).toMatchObject({ kind: 'deploy', cpu: 0.5 });
  });

  it('maps the schema errors onto the blocks that hold the bad fields', () => {
    const submission = submitted({ models: 'diabetes:1', name: 'x', replicas: 'many' });
    const parsed = schema.safeParse(submission?.input);
    if (parsed.success) throw new Error('expected the submission to be refused');

    expect(Object.keys(fieldErrors(parsed.error)).sort()).toEqual(['name', 'replicas']);
  });

  it('refuses a submission whose metadata is not ours', () => {
    expect(readDeploySubmission({ private_metadata: 'nope', state: { values: {} } })).toBe(
      undefined,
    );
  });
});
