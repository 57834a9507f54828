import type { DeployCommand } from '../commands/command.js';
import { InputError } from '../platform/errors.js';
import type { DeploymentConfig } from '../registry/deployment-configs.js';
import { defaultVersionName } from '../registry/names.js';
import {
  serviceDefaults,
  type AuthMode,
  type ScaleSettings,
  type VersionSpec,
} from '../registry/service-record.js';

/**
 * The first version of a deploy: flags win over the named deployment configuration, which
 * wins over Azure ML's defaults.
 */
export function versionFromDeploy(command: DeployCommand, config: DeploymentConfig): VersionSpec {
  const first = command.models[0];
  if (first === undefined) {
    throw new InputError({ code: 'invalid_arguments', userMessage: 'Name at least one model.' });
  }

  return {
    name: command.version ?? defaultVersionName(first),
    models: command.models,
    cpu: command.cpu ?? config.containerResourceRequirements?.cpu ?? serviceDefaults.cpu,
    memoryGb:
      command.memoryGb ??
      config.containerResourceRequirements?.memoryInGB ??
      serviceDefaults.memoryGb,
    scale: scaleFrom(command, config),
    scoringTimeoutMs: config.scoringTimeoutMs ?? serviceDefaults.scoringTimeoutMs,
    isDefault: true,
  };
}

function scaleFrom(command: DeployCommand, config: DeploymentConfig): ScaleSettings {
  if (command.replicas !== undefined) return { mode: 'fixed', replicas: command.replicas };
  const auto = config.autoScaler;
  if (command.autoscale !== undefined) {
    const targetUtilization = auto?.targetUtilization ?? serviceDefaults.scale.targetUtilization;
    return { mode: 'auto', ...command.autoscale, targetUtilization };
  }

  if (auto?.autoscaleEnabled === false || (auto === undefined && config.numReplicas)) {
    return { mode: 'fixed', replicas: config.numReplicas ?? 1 };
  }
  const scale = {
    mode: 'auto' as const,
    min: auto?.minReplicas ?? serviceDefaults.scale.min,
    max: auto?.maxReplicas ?? serviceDefaults.scale.max,
    targetUtilization: auto?.targetUtilization ?? serviceDefaults.scale.targetUtilization,
  };
  if (scale.min > scale.max) {
    throw new InputError({
      code: 'config_invalid',
      userMessage:
        `The deployment configuration's autoScaler has minReplicas ${scale.min} ` +
        `above maxReplicas ${scale.max}.`,
    });
  }
  return scale;
}

/** Key auth unless the command or configuration says otherwise; never key and token both. */
export function authFrom(command: DeployCommand, config: DeploymentConfig): AuthMode {
  if (config.authEnabled === true && config.tokenAuthEnabled === true) {
    throw new InputError({
      code: 'auth_conflict',
      userMessage:
        'The deployment configuration turns on both key and token auth; a service uses one.',
    });
  }
  if (command.auth !== undefined) return command.auth;
  if (config.tokenAuthEnabled === true) return 'token';
  if (config.authEnabled === false) return 'none';
  return 'key';
}
