import { Migration } from '@mikro-orm/migrations';

export class Migration20261201122621 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "upload" add column "share_url" text null, add column "read_back_at" timestamptz null, add column "read_back_tries" int not null default 0;`);
    this.addSql(`alter table "upload" add constraint "upload_share_url_unique" unique ("share_url");`);
    this.addSql(`create index "upload_status_read_back_at_index" on "upload" ("status", "read_back_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "upload" drop constraint "upload_share_url_unique";`);
    this.addSql(`drop index "upload_status_read_back_at_index";`);
    this.addSql(`alter table "upload" drop column "share_url", drop column "read_back_at", drop column "read_back_tries";`);
  }

}
