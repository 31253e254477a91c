import { Migration } from '@mikro-orm/migrations';

export class Migration20261201121119 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`upload\` add column \`media_type\` text check (\`media_type\` in ('video', 'photo')) not null default 'video';`);
    this.addSql(`alter table \`upload\` add column \`photos\` json null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`upload\` drop column \`photos\`;`);
    this.addSql(`alter table \`upload\` drop column \`media_type\`;`);
  }

}
