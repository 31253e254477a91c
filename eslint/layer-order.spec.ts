import { RuleTester } from 'eslint';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rule } = require('./layer-order.cjs') as { rule: import('eslint').Rule.RuleModule };

const src = join(__dirname, '..', 'src');
const options = [{ srcRoot: src }];
const at = (path: string) => join(src, path);

new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } }).run('layer-order', rule, {
  valid: [
    {
      filename: at('uploads/intake/upload-intake.service.ts'),
      code: "import { x } from '../../tokens/tokens.service';",
      options,
    },
    {
      filename: at('uploads/intake/upload-intake.service.ts'),
      code: "import { x } from '../delivery/chunk-plan';",
      options,
    },
    { filename: at('config/env.schema.ts'), code: "import { x } from '../common/net/ip-address';", options },
    { filename: at('config/env.schema.ts'), code: "import { x } from '../tiktok-api/tiktok-limits';", options },
    { filename: at('main.ts'), code: "import { x } from './tiktok-sandbox/tiktok-sandbox';", options },
    { filename: at('storage/s3-client.ts'), code: "import { x } from '../metrics/metric';", options },
  ],
  invalid: [
    {
      filename: at('common/auth/auth.guard.ts'),
      code: "import { ApiKeysService } from '../../tenants/api-keys.service';",
      options,
      errors: [
        {
          message: 'common/ sits below tenants/ in the layer order, so it may not import it (docs/design.md, "Layers")',
        },
      ],
    },
    {
      filename: at('config/env.schema.ts'),
      code: "import { planChunks } from '../uploads/delivery/chunk-plan';",
      options,
      errors: 1,
    },
    {
      filename: at('tokens/connection-events.ts'),
      code: "import { x } from '../tiktok-webhooks/tiktok-webhook-event';",
      options,
      errors: 1,
    },
    {
      filename: at('notifications/outbox.service.ts'),
      code: "const x = require('../tokens/tokens.service');",
      options,
      errors: 1,
    },
    { filename: at('database/orm-options.ts'), code: "import { ENTITIES } from '../entities';", options, errors: 1 },
    {
      filename: at('tiktok-sandbox/sandbox-core.ts'),
      code: "import { x } from '../common/clock';",
      options,
      errors: 1,
    },
    {
      filename: at('uploads/uploads.module.ts'),
      code: "import { x } from '../tiktok-sandbox/tiktok-sandbox';",
      options,
      errors: 1,
    },
    { filename: at('uploads/uploads.module.ts'), code: "import { x } from '../brand-new/thing';", options, errors: 1 },
  ],
});
