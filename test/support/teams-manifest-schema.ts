import { z } from 'zod';

// The fields and limits of Teams' app manifest schema v1.17 that a bot-only app must meet.
// Teams refuses a package that breaks any of them at upload, long after a change is merged.

const guid = z.guid();
const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https URL' }).max(2048);
const semver = z.string().regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, 'expected x.y.z');
const scope = z.enum(['personal', 'team', 'groupChat']);
// The icons travel inside the zip beside the manifest, so they are named relative to it.
const packagedPng = z.string().regex(/^(?!\/)(?!.*:\/\/)[\w./-]+\.png$/, 'expected a .png path');

const command = z.strictObject({
  title: z.string().min(1).max(32),
  description: z.string().min(1).max(128),
});

const commandList = z.strictObject({
  scopes: z.array(scope).min(1).max(3),
  commands: z.array(command).min(1).max(10),
});

const bot = z.object({
  botId: guid,
  scopes: z.array(scope).min(1).max(3),
  supportsFiles: z.literal(false),
  isNotificationOnly: z.literal(false),
  commandLists: z.array(commandList).min(1).max(3),
});

/** A Teams app manifest, schema v1.17, with the one bot Shipmate is. */
export const teamsManifestSchema = z.object({
  $schema: z.literal(
    'https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json',
  ),
  manifestVersion: z.literal('1.17'),
  version: semver,
  id: guid,
  developer: z.object({
    name: z.string().min(1).max(32),
    websiteUrl: httpsUrl,
    privacyUrl: httpsUrl,
    termsOfUseUrl: httpsUrl,
  }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().min(1).max(100) }),
  description: z.object({
    short: z.string().min(1).max(80),
    full: z.string().min(1).max(4000),
  }),
  icons: z.object({ color: packagedPng, outline: packagedPng }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected #RRGGBB'),
  bots: z.array(bot).length(1),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])).max(2),
  validDomains: z.array(z.string().max(2048)).max(16),
});

/** What the test reads from a valid Teams manifest. */
export type TeamsManifest = z.infer<typeof teamsManifestSchema>;
