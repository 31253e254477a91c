import { Migration } from '@mikro-orm/migrations';

export class Migration20261124204655 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`connection\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`status\` text check (\`status\` in ('active', 'reauth_required', 'disconnected')) not null default 'active', \`open_id\` text not null, \`display_name\` text null, \`avatar_url\` text null, \`scopes\` json not null, \`access_token_ciphertext\` text null, \`refresh_token_ciphertext\` text null, \`access_token_expires_at\` datetime null, \`refresh_token_expires_at\` datetime null, \`token_version\` integer not null default 1, \`refresh_lease_until\` datetime null, \`refresh_lease_owner\` text null, \`last_refresh_error\` text null, \`ended_reason\` text null, \`connected_at\` datetime not null, \`updated_at\` datetime not null, constraint \`connection_tenant_id_foreign\` foreign key(\`tenant_id\`) references \`tenant\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`connection_tenant_id_index\` on \`connection\` (\`tenant_id\`);`);
    this.addSql(`create index \`connection_open_id_index\` on \`connection\` (\`open_id\`);`);
    this.addSql(`create index \`connection_status_access_token_expires_at_index\` on \`connection\` (\`status\`, \`access_token_expires_at\`);`);
    this.addSql(`create unique index \`connection_tenant_id_user_id_unique\` on \`connection\` (\`tenant_id\`, \`user_id\`);`);

    this.addSql(`create table \`connect_attempt\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`return_url\` text null, \`ticket_hash\` text not null, \`expires_at\` datetime not null, \`opened_at\` datetime null, \`state_hash\` text null, \`verifier_ciphertext\` text null, \`browser_hash\` text null, \`state_expires_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, constraint \`connect_attempt_tenant_id_foreign\` foreign key(\`tenant_id\`) references \`tenant\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`connect_attempt_tenant_id_index\` on \`connect_attempt\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`connect_attempt_ticket_hash_unique\` on \`connect_attempt\` (\`ticket_hash\`);`);
    this.addSql(`create unique index \`connect_attempt_state_hash_unique\` on \`connect_attempt\` (\`state_hash\`);`);
  }

}
