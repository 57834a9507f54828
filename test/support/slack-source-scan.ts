import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the Slack edge's source asks of Slack, read from the text of its modules. */
export interface SlackSourceScan {
  /** Web API methods called as `client.<family>.<method>(`, e.g. `chat.postMessage`. */
  methods: Set<string>;
  /** Slash commands registered with `app.command('/…')`. */
  commands: Set<string>;
  /** Bolt listener kinds registered with `app.<kind>(`: action, view, event, message, … */
  listeners: Set<string>;
}

// Spaces and line breaks are allowed around the dots: prettier breaks long chains as
// `client.chat\n  .postEphemeral(…)`.
const methodCall = /\bclient\s*\.\s*([a-z]+)\s*\.\s*([a-zA-Z]+)\s*\(/g;
const commandListener = /\bapp\s*\.\s*command\(\s*['"`]([^'"`]+)['"`]/g;
const listener = /\bapp\s*\.\s*(action|command|event|message|options|shortcut|view)\s*\(/g;

/** Scans every non-test `.ts` file under `dir`. */
export function scanSlackSource(dir: string): SlackSourceScan {
  const scan: SlackSourceScan = { methods: new Set(), commands: new Set(), listeners: new Set() };
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );

  for (const file of files) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, family, method] of source.matchAll(methodCall)) {
      scan.methods.add(`${family}.${method}`);
    }
    for (const [, command] of source.matchAll(commandListener)) scan.commands.add(command!);
    for (const [, kind] of source.matchAll(listener)) scan.listeners.add(kind!);
  }
  return scan;
}
