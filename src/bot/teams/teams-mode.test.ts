import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../platform/config.js';
import { tenantCheck } from './create-teams-adapter.js';
import { teamsMode } from './teams-mode.js';

const credentials = {
  MICROSOFT_APP_ID: '6d2719ef-b7e2-488c-a309-01b2c122cd2e',
  MICROSOFT_APP_PASSWORD: 'teams-client-secret',
};

describe('teamsMode', () => {
  it('checks every token when the bot has credentials, wherever it listens', () => {
    expect(teamsMode(loadConfig({ ...credentials, HOST: '0.0.0.0' }))).toBe('checked');
  });

  it('runs unchecked without credentials only on a loopback address', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(teamsMode(loadConfig({ HOST: host })), host).toBe('unchecked');
    }
  });

  it('stays off without credentials on any other address', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'shipmate.internal']) {
      expect(teamsMode(loadConfig({ HOST: host })), host).toBe('off');
    }
  });
});

describe('tenantCheck', () => {
  it('warns that a tenant given by domain cannot be checked, and is quiet for a tenant id', () => {
    const single = { ...credentials, MICROSOFT_APP_TYPE: 'SingleTenant' };
    const byDomain = loadConfig({ ...single, MICROSOFT_APP_TENANT_ID: 'contoso.onmicrosoft.com' });
    expect(tenantCheck(byDomain.teams)).toMatch(/activities from other tenants are not refused/);
    const byId = loadConfig({
      ...single,
      MICROSOFT_APP_TENANT_ID: 'FB7AEE49-4F32-49F4-B5B7-D294F26E6F8B',
    });
    expect(tenantCheck(byId.teams)).toBeUndefined();
  });
});
