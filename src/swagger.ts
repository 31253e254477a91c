import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setUpSwagger(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tiktok-gateway')
    .setDescription(
      "Connect your users' TikTok accounts and publish videos to TikTok. Send your API key in `X-API-Key`; " +
        'admin endpoints take `X-Admin-Key`. Every error body is `{"error": {"code", "message", "details"?, "requestId"}}`.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A tenant API key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Admin-Key', description: 'ADMIN_API_KEY' }, 'admin-key')
    .addSecurityRequirements('api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // A key typed into the page lives as long as the page: never written to the browser's storage.
    swaggerOptions: { persistAuthorization: false },
  });
  return document;
}
