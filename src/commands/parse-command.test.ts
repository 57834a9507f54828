import { describe, expect, it } from 'vitest';

import { commandSpecs } from './command-specs.js';
import { refusal } from '../../test/support/parse-refusal.js';
import { parseCommand } from './parse-command.js';

const usageOf = (words: string): string => {
  const spec = commandSpecs.find((s) => s.words.join(' ') === words);
  if (spec === undefined) throw new Error(`no command ${words}`);
  return spec.usage;
};

const deployUsage = usageOf('deploy');

const plainDeploy = {
  kind: 'deploy',
  models: [{ name: 'diabetes', version: '1' }],
  service: 'diabetes',
  target: undefined,
  version: undefined,
  cpu: undefined,
  memoryGb: undefined,
  replicas: undefined,
  autoscale: undefined,
  auth: undefined,
  config: undefined,
};

describe('parseCommand: the commands of this release', () => {
  it('reads `help` and an empty message as the list of commands', () => {
    expect(parseCommand('help')).toEqual({ kind: 'help', topic: undefined });
    expect(parseCommand('   ')).toEqual({ kind: 'help', topic: undefined });
  });

  it('reads `help deploy` as help about deploy', () => {
    expect(parseCommand('help deploy')).toEqual({ kind: 'help', topic: 'deploy' });
  });

  it('keeps a quoted help topic of two words together', () => {
    expect(parseCommand('help "service show"')).toEqual({ kind: 'help', topic: 'service show' });
  });

  it('reads `model list`', () => {
    expect(parseCommand('model list')).toEqual({ kind: 'model.list' });
  });

  it('reads a plain deploy with the service name', () => {
    expect(parseCommand('deploy diabetes:1 --name diabetes')).toEqual(plainDeploy);
  });

  it('reads a deploy with every option of the grammar', () => {
    const text =
      'deploy diabetes:1,other:2 --name scorer --target aks-one --version blue ' +
      '--cpu 0.5 --memory 1.5 --autoscale 2-4 --auth token --config prod.v1';

    expect(parseCommand(text)).toEqual({
      kind: 'deploy',
      models: [
        { name: 'diabetes', version: '1' },
        { name: 'other', version: '2' },
      ],
      service: 'scorer',
      target: 'aks-one',
      version: 'blue',
      cpu: 0.5,
      memoryGb: 1.5,
      replicas: undefined,
      autoscale: { min: 2, max: 4 },
      auth: 'token',
      config: 'prod.v1',
    });
  });

  it('reads a deploy with a fixed replica count', () => {
    expect(parseCommand('deploy diabetes:1 --name diabetes --replicas 3')).toEqual({
      ...plainDeploy,
      replicas: 3,
    });
  });

  it('accepts --name=value as well as --name value', () => {
    expect(parseCommand('deploy diabetes:1 --name=diabetes')).toEqual(plainDeploy);
  });

  it('reads each of key, token and none as --auth', () => {
    for (const auth of ['key', 'token', 'none'] as const) {
      expect(parseCommand(`deploy diabetes:1 --name diabetes --auth ${auth}`)).toEqual({
        ...plainDeploy,
        auth,
      });
    }
  });

  it('accepts names of exactly 3 and exactly 32 characters', () => {
    const longest = `a${'b1-'.repeat(10)}z`;
    expect(longest).toHaveLength(32);

    expect(parseCommand('service show abc')).toEqual({ kind: 'service.show', service: 'abc' });
    expect(parseCommand(`service show ${longest}`)).toEqual({
      kind: 'service.show',
      service: longest,
    });
  });

  it('reads the service commands', () => {
    expect(parseCommand('service list')).toEqual({ kind: 'service.list' });
    expect(parseCommand('service show diabetes')).toEqual({
      kind: 'service.show',
      service: 'diabetes',
    });
    expect(parseCommand('service delete diabetes')).toEqual({
      kind: 'service.delete',
      service: 'diabetes',
    });
  });

  it('reads `service logs` with 50 lines unless --tail says otherwise', () => {
    expect(parseCommand('service logs diabetes')).toEqual({
      kind: 'service.logs',
      service: 'diabetes',
      tail: 50,
    });
    expect(parseCommand('service logs diabetes --tail 10')).toEqual({
      kind: 'service.logs',
      service: 'diabetes',
      tail: 10,
    });
  });

  it('reads `keys show`', () => {
    expect(parseCommand('keys show diabetes')).toEqual({ kind: 'keys.show', service: 'diabetes' });
  });

  it('reads `jobs` and `jobs --mine`', () => {
    expect(parseCommand('jobs')).toEqual({ kind: 'jobs', mine: false });
    expect(parseCommand('jobs --mine')).toEqual({ kind: 'jobs', mine: true });
  });

  it('reads `job <id>`', () => {
    expect(parseCommand('job 3fk2a9x1')).toEqual({ kind: 'job', id: '3fk2a9x1' });
  });

  it('matches command words whatever their case', () => {
    expect(parseCommand('Service List')).toEqual({ kind: 'service.list' });
    expect(parseCommand('DEPLOY diabetes:1 --name diabetes')).toEqual(plainDeploy);
  });
});

describe('parseCommand: prefixes and quotes from chat clients', () => {
  it.each(['/ml', 'ml', '@shipmate', '@Shipmate', '/ML'])('ignores a leading %s', (prefix) => {
    expect(parseCommand(`${prefix} deploy diabetes:1 --name diabetes`)).toEqual(plainDeploy);
  });

  it('reads a bare prefix as help', () => {
    expect(parseCommand('/ml')).toEqual({ kind: 'help', topic: undefined });
    expect(parseCommand('@shipmate')).toEqual({ kind: 'help', topic: undefined });
  });

  it('reads `@shipmate help deploy` as help about deploy', () => {
    expect(parseCommand('@shipmate help deploy')).toEqual({ kind: 'help', topic: 'deploy' });
  });

  it('does not take a word that only starts with ml for the prefix', () => {
    const error = refusal('mldeploy diabetes:1 --name diabetes');

    expect(error.code).toBe('unknown_command');
    expect(error.userMessage).toContain('mldeploy');
  });

  it('reads curly double and single quotes as plain quotes', () => {
    expect(parseCommand('deploy diabetes:1 --name \u201Cdiabetes\u201D')).toEqual(plainDeploy);
    expect(parseCommand('deploy diabetes:1 --name \u2018diabetes\u2019')).toEqual(plainDeploy);
  });
});

describe('parseCommand: input it refuses', () => {
  it('refuses an unknown command, pointing at help', () => {
    const error = refusal('frobnicate now');

    expect(error.code).toBe('unknown_command');
    expect(error.userMessage).toContain('`frobnicate now`');
    expect(error.userMessage).toContain('help');
    expect(error.usage).toBe('help [command]');
  });

  it('refuses a cluster command, which this release does not have', () => {
    expect(refusal('cluster list').code).toBe('unknown_command');
  });

  it('suggests the commands of a family when only its first word is right', () => {
    const error = refusal('service restart diabetes');

    expect(error.userMessage).toContain('Did you mean');
    expect(error.userMessage).toContain('`service show <name>`');
    expect(error.userMessage).toContain('`service delete <name>`');
  });

  it.each([
    ['too short', 'ab'],
    ['too long', `a${'b'.repeat(32)}`],
    ['with an upper-case letter', 'Diabetes'],
    ['starting with a digit', '1diabetes'],
    ['starting with -', '-diabetes'],
    ['ending with -', 'diabetes-'],
    ['with an underscore', 'dia_betes'],
  ])('refuses a service name %s', (_why, name) => {
    const error = refusal(`deploy diabetes:1 --name ${name}`);

    expect(error.code).toBe('invalid_arguments');
    expect(error.userMessage).toMatch(/^--name: /);
    expect(error.userMessage).toContain('3–32 lowercase letters, digits or -');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a bad name given to service show, with its usage', () => {
    const error = refusal('service show Diabetes');

    expect(error.userMessage).toContain('3–32 lowercase letters');
    expect(error.usage).toBe(usageOf('service show'));
  });

  it('refuses a bad --target and --version the same way as --name', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --target AKS').userMessage).toMatch(
      /^--target: 3–32/,
    );
    expect(refusal('deploy diabetes:1 --name diabetes --version v').userMessage).toMatch(
      /^--version: 3–32/,
    );
  });

  it('refuses a deploy without any model', () => {
    const error = refusal('deploy --name diabetes');

    expect(error.userMessage).toMatch(/^Missing <model/);
    expect(error.usage).toBe(deployUsage);
  });

  it.each(['diabetes', 'diabetes:', ':1', 'diabetes:0', 'diabetes:1:2', 'diabetes:one'])(
    'refuses a deploy of %s, which is not <model>:<version>',
    (models) => {
      const error = refusal(`deploy ${models} --name diabetes`);

      expect(error.userMessage).toContain('<model>:<version>');
      expect(error.userMessage).toContain(`'${models}'`);
      expect(error.usage).toBe(deployUsage);
    },
  );

  it('refuses a model list with an empty entry', () => {
    expect(refusal('deploy diabetes:1, --name diabetes').userMessage).toContain(
      'is not <model>:<version>',
    );
  });

  it('refuses a deploy without --name', () => {
    const error = refusal('deploy diabetes:1');

    expect(error.userMessage).toBe('--name: name the new service, e.g. --name diabetes');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses --name without a value', () => {
    const error = refusal('deploy diabetes:1 --name');

    expect(error.userMessage).toContain('`--name` needs a value');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a deploy whose --cpu is negative', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --cpu -1');

    expect(error.userMessage).toBe('--cpu: expected more than 0 cores');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a deploy whose --cpu is 0', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --cpu 0').userMessage).toBe(
      '--cpu: expected more than 0 cores',
    );
  });

  it('refuses a --cpu that is not a number', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --cpu lots').userMessage).toContain(
      '--cpu: expected a number of cores',
    );
  });

  it('refuses more than 64 cores', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --cpu 65').userMessage).toBe(
      '--cpu: expected at most 64 cores',
    );
  });

  it('refuses a deploy asking for 1000 GB of memory', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --memory 1000');

    expect(error.userMessage).toBe('--memory: expected at most 256 GB');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a deploy with 0 replicas', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --replicas 0');

    expect(error.userMessage).toBe('--replicas: expected at least 1 replica');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a fractional replica count', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --replicas 1.5').userMessage).toBe(
      '--replicas: expected a whole number of replicas',
    );
  });

  it('refuses --replicas together with --autoscale', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --replicas 2 --autoscale 1-3');

    expect(error.userMessage).toContain('--replicas');
    expect(error.userMessage).toContain('--autoscale');
    expect(error.userMessage).toContain('not both');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses an autoscale range whose minimum is above its maximum', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --autoscale 5-2');

    expect(error.userMessage).toBe('--autoscale: expected 1 ≤ MIN ≤ MAX ≤ 100');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses an autoscale range starting at 0 or ending above 100', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --autoscale 0-2').userMessage).toMatch(
      /^--autoscale: /,
    );
    expect(refusal('deploy diabetes:1 --name diabetes --autoscale 1-101').userMessage).toMatch(
      /^--autoscale: /,
    );
  });

  it('refuses an autoscale value that is not MIN-MAX', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --autoscale many').userMessage).toBe(
      '--autoscale: expected MIN-MAX replicas, e.g. 1-5',
    );
  });

  it('refuses an --auth other than key, token or none', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --auth basic');

    expect(error.userMessage).toMatch(/^--auth: /);
    expect(error.userMessage).toContain('token');
  });

  it('refuses a --config name that could leave the configurations folder', () => {
    expect(refusal('deploy diabetes:1 --name diabetes --config ../secrets').userMessage).toBe(
      '--config: expected a deployment configuration name',
    );
  });

  it('lists every problem of a deploy, one per line', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --cpu 0 --memory 1000');

    expect(error.userMessage.split('\n')).toEqual([
      '--cpu: expected more than 0 cores',
      '--memory: expected at most 256 GB',
    ]);
  });

  it('refuses an option the command does not have, naming it', () => {
    const error = refusal('deploy diabetes:1 --name diabetes --colour blue');

    expect(error.userMessage).toBe('There is no option `--colour` for this command.');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses a value given to a flag that takes none', () => {
    const error = refusal('jobs --mine=yes');

    expect(error.userMessage).toContain('`--mine` takes no value');
    expect(error.usage).toBe('jobs [--mine]');
  });

  it('refuses an extra positional word, naming it', () => {
    const error = refusal('deploy diabetes:1 other:2 --name diabetes');

    expect(error.userMessage).toBe('Unexpected `other:2`.');
    expect(error.usage).toBe(deployUsage);
  });

  it('refuses an extra word after a service name', () => {
    const error = refusal('service show diabetes now');

    expect(error.userMessage).toBe('Unexpected `now`.');
    expect(error.usage).toBe(usageOf('service show'));
  });

  it('refuses service show without a name', () => {
    const error = refusal('service show');

    expect(error.userMessage).toMatch(/^Missing </);
    expect(error.usage).toBe(usageOf('service show'));
  });

  it('refuses a --tail outside 1 to 200', () => {
    expect(refusal('service logs diabetes --tail 0').userMessage).toBe(
      '--tail: expected at least 1 line',
    );
    expect(refusal('service logs diabetes --tail 201').userMessage).toBe(
      '--tail: expected at most 200 lines',
    );
  });

  it('refuses a job id that is not one', () => {
    const error = refusal('job ABC!');

    expect(error.userMessage).toBe('<id>: expected a job id such as 3fk2a9x1');
    expect(error.usage).toBe('job <id>');
  });

  it('refuses text with a quote that is not closed', () => {
    const error = refusal('deploy diabetes:1 --name "diabetes');

    expect(error.code).toBe('unclosed_quote');
    expect(error.userMessage).toBe('A " quote is not closed.');
  });

  it('refuses input with the input kind, so edges answer ephemerally', () => {
    expect(refusal('deploy diabetes:1').kind).toBe('input');
    expect(refusal('nothing here').kind).toBe('input');
  });
});

describe('parseCommand, edge cases', () => {
  // SPEC "Messages": input that does not parse gets a reply that shows the usage line.
  // tokenize() throws before the command is known, so `usage` is undefined.
  it('shows the command usage line for a quote that is not closed', () => {
    const error = refusal('deploy diabetes:1 --name "diabetes');

    expect(error.code).toBe('unclosed_quote');
    expect(error.usage).toBe(usageOf('deploy'));
  });

  // joinOptionValues() glues the next word to a string option even when it is another
  // option, so `--cpu --name diabetes` becomes `--cpu=--name` plus a stray `diabetes`.
  it('says which option has no value when the next word is another option', () => {
    const error = refusal('deploy diabetes:1 --cpu --name diabetes');

    expect(error.userMessage).toContain('--cpu');
    expect(error.userMessage).not.toContain('Unexpected `diabetes`');
    expect(error.usage).toBe(usageOf('deploy'));
  });

  // A missing positional is named after its internal key, not the placeholder of the usage
  // line shown beside it: `Missing <models>.` for deploy, `Missing <name>.` for keys show.
  it('names a missing model with the usage line placeholder <model>:<version>', () => {
    expect(refusal('deploy --name diabetes').userMessage).toContain('<model>:<version>');
  });

  it('names a missing service of keys show as <service>, as its usage line does', () => {
    expect(refusal('keys show').userMessage).toContain('<service>');
  });
});

describe('parseCommand, limits and typos', () => {
  it('refuses a number written in hex or exponent form', () => {
    expect(refusal('deploy diabetes:1 --name d1x --cpu 0x10').userMessage).toContain('--cpu');
    expect(refusal('deploy diabetes:1 --name d1x --replicas 1e1').userMessage).toContain(
      '--replicas',
    );
  });

  it('refuses an option given twice instead of keeping the last one', () => {
    const error = refusal('deploy diabetes:1 --name abc --name xyz');

    expect(error.userMessage).toContain('--name');
    expect(error.userMessage).toContain('twice');
  });

  it('refuses more than 10 models, or one model twice', () => {
    const many = Array.from({ length: 11 }, (_, i) => `m${i}:1`).join(',');
    expect(refusal(`deploy ${many} --name many`).userMessage).toContain('at most 10 models');
    expect(refusal('deploy diabetes:1,diabetes:2 --name twice').userMessage).toContain('once');
  });

  it('explains a subcommand with help and several words', () => {
    expect(parseCommand('help service show')).toEqual({ kind: 'help', topic: 'service show' });
  });
});
