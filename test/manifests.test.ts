import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { commandSpecs } from '../src/commands/command-specs.js';
import { slackManifestSchema } from './support/slack-manifest-schema.js';
import { scanSlackSource } from './support/slack-source-scan.js';
import { teamsManifestSchema } from './support/teams-manifest-schema.js';

const teamsDir = new URL('../manifests/teams/', import.meta.url);
const slackSource = fileURLToPath(new URL('../src/bot/slack/', import.meta.url));

/** Parses with the schema, failing with every bad value's path rather than the first. */
function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(z.prettifyError(result.error));
  return result.data;
}

function readTeams(): unknown {
  return JSON.parse(readFileSync(new URL('manifest.json', teamsDir), 'utf8'));
}

function readSlack(): unknown {
  return parseYaml(
    readFileSync(new URL('../manifests/slack/manifest.yaml', import.meta.url), 'utf8'),
  );
}

function readIcon(path: string): PNG {
  return PNG.sync.read(readFileSync(new URL(path, teamsDir)));
}

/**
 * The bot scope each Web API method needs. views.open needs none of its own, only the trigger
 * id a slash command or button press brings, hence `commands`; auth.test needs none.
 */
const scopeOfMethod: Readonly<Record<string, string | null>> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'views.open': 'commands',
  'auth.test': null,
};

describe('Teams app manifest', () => {
  it('has every field schema v1.17 requires, within its limits', () => {
    expect(() => check(teamsManifestSchema, readTeams())).not.toThrow();
  });

  it('reaches users in personal chat, in channels and in group chats', () => {
    const [bot] = check(teamsManifestSchema, readTeams()).bots;

    // Keys and tokens only ever go to personal chat, so that scope is not optional.
    expect([...bot!.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('gives each scope of the bot exactly one command list', () => {
    const [bot] = check(teamsManifestSchema, readTeams()).bots;
    const listed = bot!.commandLists.flatMap((list) => list.scopes);

    expect([...listed].sort()).toEqual([...bot!.scopes].sort());
  });

  it('offers only commands of the grammar, each as "ml" and its words, help among them', () => {
    const [bot] = check(teamsManifestSchema, readTeams()).bots;
    const known = new Set(commandSpecs.map((spec) => `ml ${spec.words.join(' ')}`));

    for (const list of bot!.commandLists) {
      const titles = list.commands.map((command) => command.title);
      expect(titles.filter((title) => !known.has(title))).toEqual([]);
      expect(new Set(titles).size).toBe(titles.length);
      expect(titles).toContain('ml help');
    }
  });

  it('ships a colour icon of 192 by 192 pixels', () => {
    const icon = readIcon(check(teamsManifestSchema, readTeams()).icons.color);

    expect([icon.width, icon.height]).toEqual([192, 192]);
  });

  it('ships an outline icon of 32 by 32 pixels, white where it is not transparent', () => {
    const icon = readIcon(check(teamsManifestSchema, readTeams()).icons.outline);
    const pixels = Array.from({ length: icon.width * icon.height }, (_, i) => [
      ...icon.data.subarray(i * 4, i * 4 + 4),
    ]);
    const visible = pixels.filter(([, , , alpha]) => alpha !== 0);

    expect([icon.width, icon.height]).toEqual([32, 32]);
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.filter(([r, g, b]) => r !== 255 || g !== 255 || b !== 255)).toEqual([]);
  });
});

describe('Slack app manifest', () => {
  it("has the fields Slack's manifest format requires, within its limits", () => {
    expect(() => check(slackManifestSchema, readSlack())).not.toThrow();
  });

  it('sends every slash command the code registers to /slack/events over https', () => {
    const manifest = check(slackManifestSchema, readSlack());
    const { commands } = scanSlackSource(slackSource);

    expect([...commands]).toEqual(['/ml']);
    for (const command of commands) {
      const entry = manifest.features.slash_commands.find((c) => c.command === command);
      expect(entry?.url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
      // Escaping would turn `#channel` and `@user` into ids; the grammar reads text as typed.
      expect(entry?.should_escape).toBe(false);
    }
  });

  it('sends button presses and modal submissions to /slack/events', () => {
    const { interactivity } = check(slackManifestSchema, readSlack()).settings;

    expect(scanSlackSource(slackSource).listeners).toContain('action');
    expect(interactivity.is_enabled).toBe(true);
    expect(interactivity.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
  });

  it('subscribes to no events, as the code listens to none', () => {
    const manifest = check(slackManifestSchema, readSlack());
    const { listeners } = scanSlackSource(slackSource);

    expect([...listeners].filter((kind) => kind === 'event' || kind === 'message')).toEqual([]);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
  });

  it('leaves socket mode, token rotation and org-wide deployment off', () => {
    const { settings } = check(slackManifestSchema, readSlack());

    // Bolt listens over HTTP, and SLACK_BOT_TOKEN is a long-lived token no code refreshes.
    expect(settings.socket_mode_enabled).toBe(false);
    expect(settings.token_rotation_enabled).toBe(false);
    expect(settings.org_deploy_enabled).toBe(false);
  });

  it('asks for exactly the bot scopes of the Web API methods called under src/bot/slack', () => {
    const manifest = check(slackManifestSchema, readSlack());
    const { methods } = scanSlackSource(slackSource);
    const unmapped = [...methods].filter((method) => !(method in scopeOfMethod));
    // The slash command itself needs `commands`, whatever else is called.
    const needed = new Set(['commands', ...[...methods].map((m) => scopeOfMethod[m] ?? '')]);
    needed.delete('');

    // A scan that found nothing would pass vacuously; status messages are always posted.
    expect(methods).toContain('chat.postMessage');
    expect(unmapped, 'add these methods and their scopes to scopeOfMethod').toEqual([]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
