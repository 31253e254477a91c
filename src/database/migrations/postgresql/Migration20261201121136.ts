import { Migration } from '@mikro-orm/migrations';

export class Migration20261201121136 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "upload" add column "media_type" text check ("media_type" in ('video', 'photo')) not null default 'video', add column "photos" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "upload" drop column "media_type", drop column "photos";`);
  }

}
