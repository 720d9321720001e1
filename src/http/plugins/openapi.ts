// The OpenAPI 3.1 document, generated from the routes' own JSON Schemas and served at /api/openapi.json.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'govsec-maturity',
          version: '0.1.0',
          description: 'Security-governance maturity assessments of Taiwan government agencies (資安治理成熟度評估). Errors: { error: { code, message, details? } }.',
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'gsm_session' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
        security: [{ session: [] }, { bearer: [] }],
      },
    });
    app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, () => app.swagger());
  },
  { name: 'openapi' },
);
