// Pages: to be written.
import type { FastifyInstance } from 'fastify';

export default async function officePages(app: FastifyInstance) {
  void app;
}
