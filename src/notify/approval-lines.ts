import type { JobView } from '../queue/job-view.js';

/**
 * The approval part of a status message: what will change, and who decided or may still
 * decide. Empty for a job that needed no approval.
 */
export function approvalLines(view: Pick<JobView, 'approval' | 'state' | 'data'>): string[] {
  const approval = view.approval;
  if (approval === undefined) return [];

  const lines = ['What changes (before → after):', ...approval.change.map((c) => `• ${c}`)];
  const approved = approval.approvedBy.join(', ');
  if (approval.open) {
    // To the second: a policy may let a request wait only half a minute.
    const expires = new Date(approval.expiresAt).toISOString().slice(0, 19).replace('T', ' ');
    const count = approval.approvers === 1 ? 'one approval' : `${approval.approvers} approvals`;
    const so = approved ? ` (so far: ${approved})` : '';
    lines.push(`Needs ${count} by someone other than the requester${so}; expires ${expires} UTC`);
  } else if (approval.rejectedBy !== undefined) {
    const reason = approval.reason ? `: ${approval.reason}` : '';
    // The requester calling their own change off is a withdrawal, not a rejection by a peer.
    const verb = approval.withdrawn ? 'Withdrawn' : 'Rejected';
    lines.push(`${verb} by ${approval.rejectedBy}${reason}`);
  } else if (view.state === 'cancelled') {
    lines.push('Cancelled: nobody approved it in time');
  } else if (approved) {
    lines.push(`Approved by ${approved}`);
  }
  return lines;
}
