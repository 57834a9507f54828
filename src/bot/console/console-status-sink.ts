import type { JobView } from '../../queue/job-view.js';
import { isFinal, jobStatusText } from '../../notify/job-status-text.js';
import type { StatusSink } from '../../notify/status-sink.js';

/** Job status on a terminal: the message once, then only the lines that changed. */
export function createConsoleStatusSink(write: (text: string) => void): StatusSink {
  let shown: string[] = [];
  const print = (view: JobView): void => {
    // The last line is the elapsed time: worth printing only once the job is over.
    const all = jobStatusText(view).split('\n');
    const lines = isFinal(view) ? all : all.slice(0, -1);
    const fresh = lines.filter((line, i) => shown[i] !== line && !shown.includes(line));
    shown = lines;
    if (fresh.length > 0) write(fresh.join('\n'));
  };

  return {
    platform: 'console',
    post(_channelId: string, view: JobView): Promise<string> {
      print(view);
      return Promise.resolve(`console:${view.id}`);
    },
    update(_channelId: string, _messageId: string, view: JobView): Promise<void> {
      print(view);
      return Promise.resolve();
    },
  };
}
