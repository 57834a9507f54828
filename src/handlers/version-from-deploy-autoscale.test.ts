import { describe, expect, it } from 'vitest';

import { parseCommand } from '../commands/parse-command.js';
import { versionFromDeploy } from './version-from-deploy.js';

describe('versionFromDeploy ', () => {
  // "Flags win over the named deployment configuration, which wins over Azure ML's
  // defaults": --autoscale sets only MIN-MAX, yet scaleFrom() hard-codes 70 % and drops
  // the configuration's targetUtilization.
  it("keeps the configuration's target utilization when --autoscale sets the range", () => {
    const command = parseCommand('deploy diabetes:1 --name diabetes --autoscale 2-4');
    if (command.kind !== 'deploy') throw new Error('expected a deploy');

    const version = versionFromDeploy(command, { autoScaler: { targetUtilization: 50 } });

    expect(version.scale).toEqual({ mode: 'auto', min: 2, max: 4, targetUtilization: 50 });
  });
});
