import type { Config } from '../../platform/config.js';
import { isLoopbackHost } from '../../platform/loopback.js';

/**
 * Whether and how Teams runs: with credentials, every activity's token is checked; without,
 * nothing can be checked, so the bot may only listen where nobody else can reach it.
 */
export function teamsMode(config: Pick<Config, 'teams' | 'host'>): 'checked' | 'unchecked' | 'off' {
  if (config.teams.credentials !== undefined) return 'checked';
  return isLoopbackHost(config.host) ? 'unchecked' : 'off';
}
