import { Migration } from '@mikro-orm/migrations';

export class Migration20261201092200 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`instance\` (\`id\` text not null, \`started_at\` datetime not null, \`last_seen_at\` datetime not null, primary key (\`id\`));`);

    this.addSql(`alter table \`upload\` add column \`media_holder\` text null;`);
    this.addSql(`create index \`upload_media_holder_spool_path_index\` on \`upload\` (\`media_holder\`, \`spool_path\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`instance\`;`);

    this.addSql(`drop index \`upload_media_holder_spool_path_index\`;`);
    this.addSql(`alter table \`upload\` drop column \`media_holder\`;`);
  }

}
