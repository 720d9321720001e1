// Pages: to be written.
import type { FastifyInstance } from 'fastify';

export default async function accountPages(app: FastifyInstance) {
  void app;
}
