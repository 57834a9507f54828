import { z } from 'zod';

// The fields and limits of Slack's app manifest (format version 1) that Shipmate relies on.
// Slack refuses a manifest that breaks them when the app is created from it.

const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https URL' });

const slashCommand = z.strictObject({
  command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'expected a command such as /ml'),
  url: httpsUrl.max(3000),
  description: z.string().min(1).max(2000),
  usage_hint: z.string().min(1).max(1000),
  should_escape: z.boolean(),
});

/** A Slack app manifest with a bot user, slash commands and interactivity over HTTP. */
export const slackManifestSchema = z.object({
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
      .optional(),
    long_description: z.string().min(175).max(4000).optional(),
  }),
  features: z.object({
    bot_user: z.strictObject({
      display_name: z.string().min(1).max(80),
      always_online: z.boolean(),
    }),
    slash_commands: z.array(slashCommand).min(1).max(50),
  }),
  oauth_config: z.object({
    scopes: z.object({ bot: z.array(z.string().min(1).max(50)).min(1) }),
  }),
  settings: z.object({
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: httpsUrl.max(3500) }),
    event_subscriptions: z.unknown().optional(),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

/** What the test reads from a valid Slack manifest. */
export type SlackManifest = z.infer<typeof slackManifestSchema>;
