import { describe, expect, it } from 'vitest';

import { InputError } from '../platform/errors.js';
import { parsePolicy } from './load-policy.js';
import { alsoCountsAs } from './also-counts-as.js';
import { Policy } from './policy.js';

const subject = (kind: string, extra: Partial<Parameters<Policy['decide']>[0]> = {}) => ({
  kind,
  name: 'diabetes',
  target: 'local',
  userId: 'U0ALICE',
  ...extra,
});

function refusal(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.userMessage;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

describe('the built-in policy', () => {
  const policy = new Policy();

  it('lets anyone read and deploy to the local target without approval', () => {
    for (const kind of ['service.list', 'keys.show', 'audit', 'deploy', 'service.update']) {
      const decision = policy.decide(subject(kind));
      expect(decision.allowed).toBe(true);
      expect(decision.approval).toBeUndefined();
    }
  });

  it('asks one approval for deletes, traffic shifts, key regeneration and cluster deploys', () => {
    const cases = [
      subject('service.delete'),
      subject('endpoint.version.delete'),
      subject('traffic'),
      subject('endpoint.version.update'),
      subject('keys.regen'),
      subject('deploy', { target: 'prod-aks' }),
      subject('some.new.kind'),
    ];
    for (const s of cases) {
      expect(policy.decide(s).approval, s.kind).toMatchObject({ approvers: 1, from: ['*'] });
    }
  });
});

describe('a policy file', () => {
  const policy = parsePolicy(
    [
      'groups:',
      '  leads: [U0BOB, U0CAROL]',
      'rules:',
      '  - name: prod needs two leads',
      '    commands: [deploy, service.delete]',
      '    services: ["prod-*"]',
      '    allow: [group:leads, U0ALICE]',
      '    approval: { approvers: 2, from: [group:leads], expires: 15m }',
      '  - name: deletes are free here',
      '    commands: [service.delete]',
    ].join('\n'),
    'policy.yaml',
  );

  it('applies the first matching rule, with groups resolved to user ids', () => {
    const decision = policy.decide(subject('deploy', { name: 'prod-scoring' }));
    expect(decision).toEqual({
      rule: 'prod needs two leads',
      allowed: true,
      approval: {
        approvers: 2,
        from: ['U0BOB', 'U0CAROL'],
        expiresMs: 15 * 60_000,
        channels: [],
      },
    });
  });

  it('names the other channels an approval request is posted to', () => {
    const text = [
      'rules:',
      '  - name: deletes are seen in both chats',
      '    commands: [service.delete]',
      '    approval:',
      '      approvers: 1',
      '      from: ["*"]',
      '      channels: ["slack:C0APPROVALS", "teams:19:abc@thread.tacv2"]',
    ].join('\n');
    const decision = parsePolicy(text, 'policy.yaml').decide(subject('service.delete'));
    expect(decision.approval?.channels).toEqual(['slack:C0APPROVALS', 'teams:19:abc@thread.tacv2']);
  });

  it('knows one person by each of their ids, and names them wherever one id is named', () => {
    const text = [
      'people:',
      '  alice: [U0ALICE, 6D2719EF-B7E2-488C-A309-01B2C122CD2E, console:alice]',
      'rules:',
      '  - name: alice approves',
      '    commands: [service.delete]',
      '    approval: { approvers: 1, from: [U0ALICE] }',
    ].join('\n');
    const people = parsePolicy(text, 'policy.yaml');
    expect(people.personOf('6d2719ef-b7e2-488c-a309-01b2c122cd2e')).toBe('person:alice');
    expect(people.personOf('U0ALICE')).toBe('person:alice');
    expect(people.personOf('U0BOB')).toBe('U0BOB');
    expect(people.decide(subject('service.delete')).approval?.from).toEqual([
      'U0ALICE',
      '6d2719ef-b7e2-488c-a309-01b2c122cd2e',
      'console:alice',
    ]);
  });

  it('refuses an id listed under two people', () => {
    const text = 'people:\n  a: [U0ONE, U0TWO]\n  b: [U0TWO, U0THREE]\n';
    expect(refusal(text)).toMatch(/U0TWO is listed under both a and b/);
  });

  it('refuses an approval channel that names no platform', () => {
    const text = [
      'rules:',
      '  - name: r',
      '    commands: [service.delete]',
      '    approval: { approvers: 1, channels: ["#approvals"] }',
    ].join('\n');
    expect(refusal(text)).toMatch(
      /line 4 .*expected slack:<channel id> or teams:<conversation id>/,
    );
  });

  it('refuses a user the matching rule does not allow, naming the rule', () => {
    const decision = policy.decide(subject('service.delete', { name: 'prod-x', userId: 'U0EVE' }));
    expect(decision).toMatchObject({ rule: 'prod needs two leads', allowed: false });
  });

  it('falls through to later rules and then to the built-in ones', () => {
    expect(policy.decide(subject('service.delete')).approval).toBeUndefined();
    expect(policy.decide(subject('traffic')).rule).toBe('default: traffic shifts');
  });

  it('reads JSON as well', () => {
    const json = parsePolicy('{"rules": [{"name": "x", "commands": ["traffic"]}]}', 'p.json');
    expect(json.decide(subject('traffic'))).toMatchObject({ rule: 'x', approval: undefined });
  });
});

describe('a bad policy file', () => {
  it('names the line and the reason of a bad value', () => {
    const text = [
      'rules:',
      '  - name: r',
      '    commands: [deploy]',
      '    approval:',
      '      approvers: 0',
    ];
    expect(refusal(text.join('\n'))).toMatch(
      /policy\.yaml line 5 .*approvers.*>=1|line 5.*too small/i,
    );
  });

  it('names an unknown group', () => {
    const text = 'rules:\n  - name: r\n    commands: [deploy]\n    allow: [group:nobody]\n';
    expect(refusal(text)).toMatch(/line 4 .*group 'nobody' is not defined/);
  });

  it('names a YAML syntax error with its line', () => {
    expect(refusal('rules:\n  - name: [unclosed\n')).toMatch(/line \d+: /);
  });

  it('refuses unknown fields', () => {
    expect(refusal('rules:\n  - name: r\n    commands: [deploy]\n    approvers: 2\n')).toMatch(
      /line 2.*approvers/,
    );
  });
});

describe('a change that is also another kind', () => {
  const policy = parsePolicy(
    [
      'groups:',
      '  leads: [U0BOB]',
      'rules:',
      '  - name: production needs a lead',
      '    commands: [service.update, traffic]',
      "    services: ['prod-*']",
      '    allow: [group:leads]',
      '  - name: only leads touch locked services',
      "    commands: ['*']",
      "    services: ['locked-*']",
      '    allow: [group:leads]',
      '',
    ].join('\n'),
    'policy.yaml',
  );

  it('checks `service update --auth` against the rules for service.update', () => {
    const auth = subject('service.auth', {
      name: 'prod-a',
      also: alsoCountsAs('service.auth', {}),
    });
    expect(policy.decide(auth)).toMatchObject({
      allowed: false,
      rule: 'production needs a lead',
    });
  });

  it('checks a version added with a share of traffic against the rules for traffic', () => {
    const withShare = { kind: 'endpoint.version.add', traffic: 100, makeDefault: true };
    const decision = policy.decide(
      subject('endpoint.version.add', {
        name: 'prod-a',
        also: alsoCountsAs(withShare.kind, withShare),
      }),
    );
    expect(decision).toMatchObject({ allowed: false, rule: 'production needs a lead' });

    const builtIn = new Policy().decide(
      subject('endpoint.version.add', { also: alsoCountsAs(withShare.kind, withShare) }),
    );
    expect(builtIn.approval?.approvers).toBe(1);
    const noShare = new Policy().decide(
      subject('endpoint.version.add', { also: alsoCountsAs('endpoint.version.add', {}) }),
    );
    expect(noShare.approval).toBeUndefined();
  });

  it('does not apply a rule about some services to commands that name none', () => {
    for (const kind of ['jobs', 'job', 'audit', 'approve', 'reject', 'service.list']) {
      expect(policy.decide(subject(kind, { name: undefined })).allowed).toBe(true);
    }
    expect(policy.decide(subject('service.show', { name: 'locked-x' })).allowed).toBe(false);
  });
});

describe('a policy that could never be met', () => {
  it('is refused at load when a rule asks more approvers than it lets approve', () => {
    const text = [
      'groups:',
      '  leads: [U0BOB, U0CAROL]',
      'rules:',
      '  - name: three leads',
      '    commands: [traffic]',
      '    approval:',
      '      approvers: 3',
      '      from: [group:leads]',
    ].join('\n');
    expect(refusal(text)).toMatch(
      /line 7 \(rules\.0\.approval\.approvers\): asks 3 approvers but 'from' names 2/,
    );
  });

  it('accepts as many approvers as the rule names, or anyone', () => {
    const named =
      'rules:\n  - name: two\n    commands: [traffic]\n    approval:\n' +
      '      approvers: 2\n      from: [U0BOB, U0CAROL]\n';
    expect(() => parsePolicy(named, 'policy.yaml')).not.toThrow();
    const anyone =
      'rules:\n  - name: five\n    commands: [traffic]\n    approval:\n' + '      approvers: 5\n';
    expect(() => parsePolicy(anyone, 'policy.yaml')).not.toThrow();
  });
});
