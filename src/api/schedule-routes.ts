/**
 * What the scheduler knows about time: the reminders of what this party owes and by when, the overdue deadlines
 * (owed by it and to it), the results of communication checks, and a person's answer to a check when the agreement
 * asks for one.
 */
import { Type } from '@sinclair/typebox';
import { HASH_PATTERN } from '../protocol/statement.js';
import { Person } from '../protocol/bodies/common.js';
import { CheckAlreadyAnsweredError, CheckNotFoundError, type Scheduler } from '../node/scheduler.js';
import type { ApiApp } from './api-app.js';
import { ApiError, NotFoundError } from './api-errors.js';
import { READERS, SENDERS } from './roles.js';

const CheckParams = Type.Object({ hash: Type.String({ pattern: HASH_PATTERN.source, description: 'the hash of the communication check' }) });

export function registerScheduleRoutes(app: ApiApp, scheduler: Scheduler): void {
  app.get('/reminders', {
    config: { roles: READERS },
    schema: { tags: ['schedule'], summary: 'What this party owes and by when: acknowledgements, responses, and checks a person must answer, soonest first' },
  }, async () => scheduler.reminders());

  app.get('/overdue', {
    config: { roles: READERS },
    schema: { tags: ['schedule'], summary: 'Deadlines that passed unmet, owed by this party or to it' },
  }, async () => scheduler.overdue());

  app.get('/checks', {
    config: { roles: READERS },
    schema: { tags: ['schedule'], summary: "Communication checks and each addressee's result: answered (with the latency), late, missed or pending" },
  }, async () => scheduler.checkResults());

  app.post('/checks/:hash/answer', {
    config: { roles: SENDERS },
    schema: { tags: ['schedule'], summary: 'A person answers a communication check addressed to this party', params: CheckParams, body: Person },
  }, async (request, reply) => {
    try {
      const h = await scheduler.answerCheck(request.params.hash, request.body);
      return reply.status(201).send({ author: h.statement.author, index: h.statement.index, hash: h.hash, statement: h.statement });
    } catch (e) {
      if (e instanceof CheckNotFoundError) throw new NotFoundError(e.rule, e.message);
      if (e instanceof CheckAlreadyAnsweredError) throw new ApiError(409, e.rule, e.message);
      throw e;
    }
  });
}
