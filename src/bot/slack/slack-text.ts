/**
 * Text as Slack must receive it: `&`, `<` and `>` escaped, so what a user typed (a command, a
 * reject reason) is shown as typed and can never become a mention such as `<!channel>` or a
 * link. Shipmate's own messages use none of Slack's angle-bracket syntax.
 */
export function slackText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
