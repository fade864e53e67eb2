/**
 * Zod as the schema language of the HTTP boundary: route schemas are zod, Fastify validates with them,
 * handlers get their output types, and the OpenAPI document is generated from the same schemas
 * (z.toJSONSchema). One schema language for config, bus and HTTP; no second copy in JSON Schema.
 */
import type {
  FastifySchema,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  FastifyTypeProvider,
} from 'fastify';
import { z } from 'zod';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** The message of a failed validation names the parameter first: `limit: must be 1–1000`. */
export function describeIssues(error: z.ZodError, part: string | undefined): string {
  return error.issues
    .map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join('.') : (part ?? 'request');
      return `${name}: ${issue.message}`;
    })
    .join('; ');
}

export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly part: string | undefined,
    readonly parameters: string[],
  ) {
    super(message);
  }
}

/** `a=1&a=2` arrives as an array: join it into the comma list the parameter accepts. Empty → absent. */
export function normaliseRawQuery(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    const joined = Array.isArray(value) ? value.join(',') : value;
    if (typeof joined === 'string' && joined.trim() !== '') out[key] = joined;
  }
  return out;
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  return (data: unknown) => {
    const result = schema.safeParse(httpPart === 'querystring' ? normaliseRawQuery(data) : data);
    if (result.success) return { value: result.data };
    const parameters = result.error.issues.map((issue) => String(issue.path[0] ?? httpPart ?? 'request'));
    return {
      error: new RequestValidationError(describeIssues(result.error, httpPart), httpPart, parameters),
    };
  };
};

/**
 * Responses are plain JSON.stringify: the hot path (GET /signals) sends pre-serialised strings from the
 * cache, and every other body is small. The zod response schemas document the API; unit tests check
 * the handlers' bodies against them.
 */
export const zodSerializerCompiler: FastifySerializerCompiler<z.ZodType> = () => (data: unknown) =>
  JSON.stringify(data);

const isZod = (value: unknown): value is z.ZodType => value instanceof z.ZodType;

function toJson(schema: unknown, io: 'input' | 'output'): unknown {
  if (!isZod(schema)) return schema;
  const json = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

function responseToJson(schema: unknown): unknown {
  if (!isZod(schema)) return schema;
  const meta = z.globalRegistry.get(schema) as { mediaType?: string; description?: string } | undefined;
  const json = toJson(schema, 'output') as Record<string, unknown>;
  if (!meta?.mediaType) return json;
  const { description, ...rest } = json;
  return {
    description: description ?? meta.description ?? '',
    content: { [meta.mediaType]: { schema: rest } },
  };
}

/** @fastify/swagger `transform`: turns a route's zod schemas into OpenAPI 3 JSON Schemas. */
export function zodToOpenApi({
  schema: routeSchema,
  url,
}: {
  schema: FastifySchema | undefined;
  url: string;
}): {
  schema: FastifySchema;
  url: string;
} {
  if (!routeSchema) return { schema: {}, url };
  const schema = routeSchema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...schema };
  for (const part of ['querystring', 'params', 'headers', 'body'] as const) {
    if (schema[part] !== undefined) out[part] = toJson(schema[part], 'input');
  }
  if (schema.response && typeof schema.response === 'object') {
    out.response = Object.fromEntries(
      Object.entries(schema.response as Record<string, unknown>).map(([code, s]) => [
        code,
        responseToJson(s),
      ]),
    );
  }
  return { schema: out, url };
}
