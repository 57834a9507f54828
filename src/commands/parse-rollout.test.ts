import { describe, expect, it } from 'vitest';

import { refusal } from '../../test/support/parse-refusal.js';
import { parseCommand } from './parse-command.js';

const noSizes = { cpu: undefined, memoryGb: undefined, replicas: undefined, autoscale: undefined };

describe('parseCommand: rollout commands', () => {
  it('reads `traffic` with any number of version=percent pairs', () => {
    expect(parseCommand('traffic churn blue=40 green=12.5 red=0%')).toEqual({
      kind: 'traffic',
      endpoint: 'churn',
      shares: [
        { version: 'blue', traffic: 40 },
        { version: 'green', traffic: 12.5 },
        { version: 'red', traffic: 0 },
      ],
    });
  });

  it('refuses `traffic` without a pair, naming the placeholder', () => {
    const error = refusal('traffic churn');
    expect(error.userMessage).toBe('Missing <version>=<P>.');
    expect(error.usage).toBe('traffic <endpoint> <version>=<P> [<version>=<P> …]');
  });

  it('refuses pairs that are not version=percent, each by its text', () => {
    const error = refusal('traffic churn blue=140 green red=-5 Blue=5 a=1=2');
    expect(error.userMessage.split('\n')).toEqual([
      "<version>=<P>: 'blue=140': expected at most 100 %",
      "<version>=<P>: 'green' is not <version>=<P>, e.g. blue=10",
      "<version>=<P>: 'red=-5': expected a percentage from 0 to 100, e.g. 10 or 12.5",
      "<version>=<P>: 'Blue=5' is not <version>=<P>, e.g. blue=10",
      "<version>=<P>: 'a=1=2' is not <version>=<P>, e.g. blue=10",
    ]);
  });

  it('reads `endpoint version add` with its model, share and marks', () => {
    expect(
      parseCommand('endpoint version add churn green --model churn:2 --traffic 10 --control'),
    ).toEqual({
      kind: 'endpoint.version.add',
      endpoint: 'churn',
      version: 'green',
      models: [{ name: 'churn', version: '2' }],
      traffic: 10,
      makeDefault: false,
      control: true,
      ...noSizes,
    });
  });

  it('refuses `endpoint version add` without --model', () => {
    expect(refusal('endpoint version add churn green').userMessage).toBe(
      '--model: name what the version runs, e.g. --model diabetes:2',
    );
  });

  it('refuses a traffic percentile above 100 on a new version', () => {
    expect(
      refusal('endpoint version add churn green --model churn:2 --traffic 101').userMessage,
    ).toBe('--traffic: expected at most 100 %');
  });

  it('reads `endpoint version update` with --treatment as a role', () => {
    expect(parseCommand('endpoint version update churn green --traffic 30 --treatment')).toEqual({
      kind: 'endpoint.version.update',
      endpoint: 'churn',
      version: 'green',
      traffic: 30,
      makeDefault: false,
      role: 'treatment',
    });
  });

  it('refuses --control together with --treatment', () => {
    expect(refusal('endpoint version update churn green --control --treatment').userMessage).toBe(
      '--control: a version is the control or a treatment, not both',
    );
  });

  it('refuses an update that changes nothing', () => {
    expect(refusal('endpoint version update churn green').userMessage).toBe(
      'Nothing to change: give --traffic, --default, --control or --treatment',
    );
  });

  it('reads `endpoint version delete` with the new default', () => {
    expect(parseCommand('endpoint version delete churn blue --default green')).toEqual({
      kind: 'endpoint.version.delete',
      endpoint: 'churn',
      version: 'blue',
      newDefault: 'green',
    });
    expect(parseCommand('endpoint version delete churn green')).toEqual({
      kind: 'endpoint.version.delete',
      endpoint: 'churn',
      version: 'green',
    });
  });

  it('reads `service update` with a new model and replica count', () => {
    expect(parseCommand('service update churn --model churn:3 --replicas 2')).toEqual({
      kind: 'service.update',
      service: 'churn',
      models: [{ name: 'churn', version: '3' }],
      ...noSizes,
      replicas: 2,
    });
  });

  it('refuses a `service update` that changes nothing', () => {
    expect(refusal('service update churn').userMessage).toBe(
      'Nothing to change: give --model, --cpu, --memory, --replicas, --autoscale or --auth',
    );
  });

  it('refuses --auth together with other changes, so each runs as its own job', () => {
    expect(refusal('service update churn --model churn:3 --auth token').userMessage).toBe(
      '--auth: change --auth in a `service update` of its own',
    );
  });

  it('refuses the same model twice in one version', () => {
    expect(refusal('service update churn --model churn:3,churn:4').userMessage).toContain(
      '--model: each model may appear once',
    );
  });
});
