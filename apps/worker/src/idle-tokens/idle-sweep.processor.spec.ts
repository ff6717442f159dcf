import type { IdleSweepResult } from '@latchkey/contracts';
import type { IssuerClient, IssuerResult } from '../issuer/issuer-client';
import type { JobQueues } from '../queues/job-queues';
import { IdleSweepProcessor } from './idle-sweep.processor';

const processorAnswering = (answer: IssuerResult<IdleSweepResult>) =>
  new IdleSweepProcessor(
    { sweepIdleTokens: () => Promise.resolve(answer) } as unknown as IssuerClient,
    {} as JobQueues,
    { IDLE_SWEEP_INTERVAL_MS: 1_000 },
  );

describe('IdleSweepProcessor', () => {
  it("answers what the issuer's sweep did", async () => {
    const done = { warned: ['a'], revoked: ['b'] };
    expect(await processorAnswering({ kind: 'ok', value: done }).process()).toEqual(done);
  });

  it('fails the job when the issuer cannot be reached, so it is retried', async () => {
    await expect(
      processorAnswering({ kind: 'transient', error: 'HTTP 503 UNAVAILABLE' }).process(),
    ).rejects.toThrow(/HTTP 503/);
  });

  it('does nothing, without failing, when the issuer has no idle policy to run', async () => {
    expect(await processorAnswering({ kind: 'not-found' }).process()).toEqual({ warned: [], revoked: [] });
  });
});
