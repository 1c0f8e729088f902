/**
 * The Express side of the server: what is not a hot path. `/openapi.yaml` and Swagger UI at `/docs`
 * (swagger-ui-express); later Node-RED's editor and HTTP nodes mount here too.
 */
import fs from 'node:fs';
import express from 'express';
import swaggerUi from 'swagger-ui-express';
import { ngsiError, toProblemDetails } from '../ngsi-ld/errors';

export interface DocsAppOptions {
  /** Path of openapi.yaml. */
  openapiFile: string;
}

export function createDocsApp(opts: DocsAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const spec = fs.readFileSync(opts.openapiFile, 'utf8');
  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(spec);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerUrl: '/openapi.yaml', customSiteTitle: 'ECLOR NGSI-LD API' }));
  app.get('/', (_req, res) => {
    res.redirect('/docs');
  });
  app.use((req, res) => {
    res.status(404).json(toProblemDetails(ngsiError('ResourceNotFound', `No resource at ${req.method} ${req.path}`)));
  });
  return app;
}
