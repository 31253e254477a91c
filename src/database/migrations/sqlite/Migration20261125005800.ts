import { Migration } from '@mikro-orm/migrations';

export class Migration20261125005800 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`upload\` drop column \`upload_url_expires_at\`;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`upload\` add column \`upload_url_expires_at\` datetime null;`);
  }

}
