import { Migration } from '@mikro-orm/migrations';

export class Migration20261124203852 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`tenant\` (\`id\` text not null, \`name\` text not null, \`return_urls\` json not null, \`webhook_url\` text null, \`webhook_secret_ciphertext\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);

    this.addSql(`create table \`api_key\` (\`id\` text not null, \`tenant_id\` text not null, \`lookup_id\` text not null, \`secret_hash\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, constraint \`api_key_tenant_id_foreign\` foreign key(\`tenant_id\`) references \`tenant\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`api_key_tenant_id_index\` on \`api_key\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`api_key_lookup_id_unique\` on \`api_key\` (\`lookup_id\`);`);
  }

}
