import { Migration } from '@mikro-orm/migrations';

export class Migration20261201122832 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "upload" drop constraint if exists "upload_status_check";`);

    this.addSql(`alter table "upload" add column "publish_at" timestamptz null;`);
    this.addSql(`alter table "upload" add constraint "upload_status_check" check("status" in ('scheduled', 'queued', 'uploading', 'processing', 'inbox_delivered', 'published', 'failed', 'cancelled'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "upload" drop constraint if exists "upload_status_check";`);

    this.addSql(`alter table "upload" drop column "publish_at";`);

    this.addSql(`alter table "upload" add constraint "upload_status_check" check("status" in ('queued', 'uploading', 'processing', 'inbox_delivered', 'published', 'failed', 'cancelled'));`);
  }

}
