import { Migration } from '@mikro-orm/migrations';

const BEFORE = ['queued', 'uploading', 'processing', 'inbox_delivered', 'published', 'failed', 'cancelled'];
const AFTER = ['scheduled', ...BEFORE];

/**
 * Scheduled posts: `upload.publish_at`, and `scheduled` among the statuses. SQLite cannot alter a check constraint
 * and MikroORM's generator emits no change for it, so the table is rebuilt from its own current definition (read at
 * run time, so columns other migrations added stay) with only the status list changed.
 */
export class Migration20261201122622 extends Migration {
  override async up(): Promise<void> {
    await this.rebuildWithStatuses(AFTER);
    this.addSql(`alter table \`upload\` add column \`publish_at\` datetime null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update \`upload\` set \`status\` = 'cancelled' where \`status\` = 'scheduled';`);
    await this.rebuildWithStatuses(BEFORE);
    this.addSql(`alter table \`upload\` drop column \`publish_at\`;`);
  }

  private async rebuildWithStatuses(statuses: string[]): Promise<void> {
    const rows = await this.execute(`select type, sql from sqlite_master where tbl_name = 'upload' and sql is not null`);
    const table = rows.find((row) => row.type === 'table')?.sql as string;
    const indexes = rows.filter((row) => row.type === 'index').map((row) => row.sql as string);
    const check = /check \(`status` in \([^)]*\)\)/;
    if (!check.test(table)) throw new Error('upload.status has no check constraint to change');
    const rebuilt = table
      .replace(check, `check (\`status\` in (${statuses.map((s) => `'${s}'`).join(', ')}))`)
      .replace(/^CREATE TABLE ("upload"|`upload`|upload)/i, 'create table `upload__temp_alter`');
    this.addSql(rebuilt + ';');
    this.addSql(`insert into \`upload__temp_alter\` select * from \`upload\`;`);
    this.addSql(`drop table \`upload\`;`);
    this.addSql(`alter table \`upload__temp_alter\` rename to \`upload\`;`);
    for (const index of indexes) this.addSql(index + ';');
  }
}
