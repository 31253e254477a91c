import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "upload" drop column "sha256";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "upload" add column "sha256" varchar(64) null;`);
  }

}
