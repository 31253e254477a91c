import { Migration } from '@mikro-orm/migrations';

export class Migration20261201092206 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "instance" ("id" varchar(64) not null, "started_at" timestamptz not null, "last_seen_at" timestamptz not null, constraint "instance_pkey" primary key ("id"));`);

    this.addSql(`alter table "upload" add column "media_holder" varchar(64) null;`);
    this.addSql(`create index "upload_media_holder_spool_path_index" on "upload" ("media_holder", "spool_path");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "instance" cascade;`);

    this.addSql(`drop index "upload_media_holder_spool_path_index";`);
    this.addSql(`alter table "upload" drop column "media_holder";`);
  }

}
