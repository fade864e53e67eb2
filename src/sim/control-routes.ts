/**
 * The control API under `/__sim/`: the SimControl operations over HTTP for tests and benchmarks in other
 * processes. A localhost tool: no auth, and the gateway's faults (down, failures) never apply here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FAIL_KINDS } from './faults.js';
import type { SimControl } from './sim-control.js';

export const SIM_PREFIX = '/__sim';

const injectBody = z.union([
  z.strictObject({ messages: z.array(z.unknown()) }),
  z.record(z.string(), z.unknown()),
]);
const failBody = z.strictObject({
  count: z.number().int().min(0).max(1_000_000),
  kind: z.enum(FAIL_KINDS).optional(),
});
const rateBody = z.strictObject({ rate: z.number().min(0).max(100_000) });
const advanceBody = z.strictObject({ count: z.number().int().min(0).max(10_000_000) });
const emittedQuery = z.object({
  after: z.string().regex(/^\d+$/, 'must be a cursor').optional(),
  limit: z.coerce.number().int().min(1).optional(),
});

export function registerControlRoutes(app: FastifyInstance, control: SimControl): void {
  /** Parses a body or query; a failure answers 400 through the error handler. */
  function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
    const result = schema.safeParse(value ?? {});
    if (!result.success) {
      const message = result.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      throw Object.assign(new Error(message), { statusCode: 400 });
    }
    return result.data;
  }

  app.post(`${SIM_PREFIX}/messages`, async (request) => {
    const body = parse(injectBody, request.body);
    const list = 'messages' in body && Array.isArray(body.messages) ? body.messages : [body];
    // Shapes are checked by the control itself (strict message schema → 400).
    return { emitted: control.inject(list as Parameters<SimControl['inject']>[0]) };
  });
  app.post(`${SIM_PREFIX}/raw`, async (request) => ({
    emitted: control.injectRaw(request.body as Parameters<SimControl['injectRaw']>[0]),
  }));
  app.post(`${SIM_PREFIX}/drop-streams`, async () => control.dropStreams());
  app.post(`${SIM_PREFIX}/fail`, async (request) => {
    const { count, kind } = parse(failBody, request.body);
    return control.failNext(count, kind);
  });
  app.post(`${SIM_PREFIX}/stall`, async () => control.stall());
  app.post(`${SIM_PREFIX}/unstall`, async () => control.unstall());
  app.post(`${SIM_PREFIX}/down`, async () => control.down());
  app.post(`${SIM_PREFIX}/up`, async () => control.up());
  app.post(`${SIM_PREFIX}/clear-faults`, async () => control.clearFaults());
  app.post(`${SIM_PREFIX}/feed/pause`, async () => control.pauseFeed());
  app.post(`${SIM_PREFIX}/feed/resume`, async () => control.resumeFeed());
  app.post(`${SIM_PREFIX}/feed/rate`, async (request) => control.setRate(parse(rateBody, request.body).rate));
  app.post(`${SIM_PREFIX}/feed/advance`, async (request) =>
    control.advanceFeed(parse(advanceBody, request.body).count),
  );
  app.get(`${SIM_PREFIX}/emitted`, async (request) => {
    const query = parse(emittedQuery, request.query);
    return control.emitted({
      ...(query.after !== undefined && { after: query.after }),
      ...(query.limit !== undefined && { limit: query.limit }),
    });
  });
  app.get(`${SIM_PREFIX}/messages`, async () => ({ messages: control.messages() }));
  app.get(`${SIM_PREFIX}/stats`, async () => control.stats());
}
