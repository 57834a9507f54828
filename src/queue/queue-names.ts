/**
 * BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of the queue lands in
 * one slot, which BullMQ's multi-key scripts need (DESIGN "Scale-out").
 */
export const queuePrefix = '{shipmate}';

/** The one queue every job kind goes through; processors dispatch on the job name. */
export const jobsQueueName = 'jobs';
