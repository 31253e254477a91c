import { Migration } from '@mikro-orm/migrations';

export class Migration20261201122607 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`upload\` add column \`share_url\` text null;`);
    this.addSql(`alter table \`upload\` add column \`read_back_at\` datetime null;`);
    this.addSql(`alter table \`upload\` add column \`read_back_tries\` integer not null default 0;`);
    this.addSql(`create unique index \`upload_share_url_unique\` on \`upload\` (\`share_url\`);`);
    this.addSql(`create index \`upload_status_read_back_at_index\` on \`upload\` (\`status\`, \`read_back_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`upload_status_read_back_at_index\`;`);
    this.addSql(`drop index \`upload_share_url_unique\`;`);
    this.addSql(`alter table \`upload\` drop column \`read_back_tries\`;`);
    this.addSql(`alter table \`upload\` drop column \`read_back_at\`;`);
    this.addSql(`alter table \`upload\` drop column \`share_url\`;`);
  }

}
