import { Migration } from '@mikro-orm/migrations';

export class Migration20261124212655 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "upload" add column "malware_scan" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "upload" drop column "malware_scan";`);
  }

}
