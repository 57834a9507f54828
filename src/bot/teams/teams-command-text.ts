import type { Activity } from 'botbuilder';

/**
 * The command in a Teams message, or undefined when the message is not for Shipmate. A
 * message runs a command when it starts with `ml`, when it @mentions the bot (Teams delivers
 * channel messages to a bot only then), or in the bot's personal chat, where everything is
 * for it. The mention itself and the `ml` word are not part of the command; nothing left
 * means `help`.
 */
export function teamsCommandText(activity: Partial<Activity>): string | undefined {
  const raw = decodeEntities(activity.text ?? '');
  const botId = activity.recipient?.id;
  const mentioned = (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === botId,
  );
  const text = raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const prefixed = /^\/?ml(?:\s+|$)/i.exec(text);
  const personal = activity.conversation?.conversationType === 'personal';
  if (prefixed === null && !mentioned && !personal) return undefined;

  const command = (prefixed === null ? text : text.slice(prefixed[0].length)).trim();
  return command === '' ? 'help' : command;
}

/** Teams sends message text with HTML entities (`&nbsp;` after a mention, `&amp;`). */
function decodeEntities(text: string): string {
  return text
    .replaceAll('&nbsp;', ' ')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}
