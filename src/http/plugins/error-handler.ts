/**
 * One error handler for the whole app: AppError keeps its code and status, validation errors become a
 * 400 naming the parameter, Fastify's own 4xx keep their status, anything else is a 500. Every body has
 * the legacy shape plus a stable code; 5xx bodies never carry the cause (the log does, with the
 * request's correlation id).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { codeForStatus, errorBody, type HttpErrorCode, SERVER_ERROR_MESSAGES } from '../errors.js';
import { RequestValidationError } from '../zod-provider.js';

interface Classified {
  statusCode: number;
  code: HttpErrorCode;
  message: string;
}

function classify(error: FastifyError | Error): Classified {
  if (error instanceof AppError) {
    const statusCode = error.statusCode;
    const message =
      statusCode >= 500 ? (SERVER_ERROR_MESSAGES[error.code] ?? 'Internal error.') : error.message;
    return { statusCode, code: error.code, message };
  }
  if (error instanceof RequestValidationError) {
    return { statusCode: 400, code: 'BAD_REQUEST', message: error.message };
  }
  const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (statusCode >= 400 && statusCode < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type): their text is safe.
    return { statusCode, code: codeForStatus(statusCode), message: error.message };
  }
  return {
    statusCode: statusCode === 503 ? 503 : 500,
    code: codeForStatus(statusCode),
    message: 'Internal error.',
  };
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | Error, request, reply) => {
      const { statusCode, code, message } = classify(error);
      if (statusCode >= 500) {
        request.log.error({ err: error, code }, 'request failed');
      } else {
        request.log.info({ code, statusCode, reason: message.slice(0, 200) }, 'request rejected');
      }
      const body = errorBody(
        statusCode,
        code,
        statusCode >= 500 ? `${message} (correlation id ${request.id})` : message,
      );
      return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
    });

    app.setNotFoundHandler((request, reply) => {
      return reply
        .code(404)
        .send(errorBody(404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`));
    });
  },
  { name: 'tpc-error-handler', fastify: '5.x' },
);
