import type { Job } from 'bullmq';

import type { JobStep } from '../queue/job-schemas.js';

/**
 * Records a job's steps in its progress, which the status message renders. A step that throws
 * is marked failed with the step's name, so a failure always says where it happened.
 */
export class StepReporter {
  readonly #job: Job;
  readonly #steps: JobStep[] = [];

  constructor(job: Job) {
    this.#job = job;
  }

  /** The step running or failed last, for error messages. */
  get current(): string | undefined {
    return this.#steps.findLast((s) => s.state !== 'done')?.name;
  }

  /** Shows a step that is only waiting; it is dropped once real work starts. */
  async waiting(name: string): Promise<void> {
    await this.#job.updateProgress({ steps: [{ name, state: 'running' }] });
  }

  async run<T>(
    name: string,
    work: (detail: (text: string) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const step: JobStep = { name, state: 'running' };
    this.#steps.push(step);
    await this.#publish();

    const detail = async (text: string): Promise<void> => {
      step.detail = text;
      await this.#publish();
    };
    try {
      const result = await work(detail);
      step.state = 'done';
      await this.#publish();
      return result;
    } catch (error) {
      step.state = 'failed';
      await this.#publish().catch(() => undefined);
      throw error;
    }
  }

  async #publish(): Promise<void> {
    await this.#job.updateProgress({ steps: this.#steps.map((s) => ({ ...s })) });
  }
}
