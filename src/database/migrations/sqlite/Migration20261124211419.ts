import { Migration } from '@mikro-orm/migrations';

export class Migration20261124211419 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`outbox_message\` (\`seq\` integer not null primary key autoincrement, \`id\` text not null, \`tenant_id\` text not null, \`type\` text check (\`type\` in ('upload.updated', 'upload.completed', 'upload.failed', 'connection.connected', 'connection.reauth_required', 'connection.removed')) not null, \`data\` json not null, \`ordering_key\` text not null, \`occurred_at\` datetime not null, \`status\` text check (\`status\` in ('pending', 'delivered', 'failed')) not null, \`attempts\` integer not null, \`next_attempt_at\` datetime not null, \`lease_until\` datetime null, \`lease_owner\` text null, \`last_attempt_at\` datetime null, \`last_status\` integer null, \`last_error\` text null, \`delivered_at\` datetime null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`outbox_message_id_unique\` on \`outbox_message\` (\`id\`);`);
    this.addSql(`create index \`outbox_message_tenant_id_seq_index\` on \`outbox_message\` (\`tenant_id\`, \`seq\`);`);
    this.addSql(`create index \`outbox_message_ordering_key_status_index\` on \`outbox_message\` (\`ordering_key\`, \`status\`);`);
    this.addSql(`create index \`outbox_message_status_next_attempt_at_index\` on \`outbox_message\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`tik_tok_webhook_receipt\` (\`id\` text not null, \`dedup_key\` text not null, \`event\` text not null, \`user_open_id\` text not null, \`create_time\` bigint not null, \`content\` text not null, \`status\` text check (\`status\` in ('pending', 'processed', 'ignored', 'failed')) not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`lease_until\` datetime null, \`lease_owner\` text null, \`last_error\` text null, \`received_at\` datetime not null, \`processed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`tik_tok_webhook_receipt_dedup_key_unique\` on \`tik_tok_webhook_receipt\` (\`dedup_key\`);`);
    this.addSql(`create index \`tik_tok_webhook_receipt_status_next_attempt_at_index\` on \`tik_tok_webhook_receipt\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`connection__temp_alter\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`status\` text check (\`status\` in ('active', 'reauth_required', 'disconnected')) not null default 'active', \`open_id\` text not null, \`display_name\` text null, \`avatar_url\` text null, \`scopes\` json not null, \`access_token_ciphertext\` text null, \`refresh_token_ciphertext\` text null, \`access_token_expires_at\` datetime null, \`refresh_token_expires_at\` datetime null, \`token_version\` integer not null default 1, \`refresh_lease_until\` datetime null, \`refresh_lease_owner\` text null, \`last_refresh_error\` text null, \`ended_reason\` text null, \`connected_at\` datetime not null, \`updated_at\` datetime not null, constraint \`connection_tenant_id_foreign\` foreign key(\`tenant_id\`) references \`tenant\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`insert into \`connection__temp_alter\` select \`id\`, \`tenant_id\`, \`user_id\`, \`status\`, \`open_id\`, \`display_name\`, \`avatar_url\`, \`scopes\`, \`access_token_ciphertext\`, \`refresh_token_ciphertext\`, \`access_token_expires_at\`, \`refresh_token_expires_at\`, \`token_version\`, \`refresh_lease_until\`, \`refresh_lease_owner\`, \`last_refresh_error\`, \`ended_reason\`, \`connected_at\`, \`updated_at\` from \`connection\`;`);
    this.addSql(`drop table \`connection\`;`);
    this.addSql(`alter table \`connection__temp_alter\` rename to \`connection\`;`);
    this.addSql(`create index \`connection_tenant_id_index\` on \`connection\` (\`tenant_id\`);`);
    this.addSql(`create index \`connection_open_id_index\` on \`connection\` (\`open_id\`);`);
    this.addSql(`create index \`connection_status_access_token_expires_at_index\` on \`connection\` (\`status\`, \`access_token_expires_at\`);`);
    this.addSql(`create unique index \`connection_tenant_id_user_id_unique\` on \`connection\` (\`tenant_id\`, \`user_id\`);`);
    this.addSql(`pragma foreign_keys = on;pragma foreign_keys = off;`);
    this.addSql(`create table \`upload__temp_alter\` (\`id\` text not null, \`tenant_id\` text not null, \`user_id\` text not null, \`connection_id\` text not null, \`mode\` text check (\`mode\` in ('inbox', 'direct')) not null, \`source\` text check (\`source\` in ('file', 'url')) not null, \`status\` text check (\`status\` in ('queued', 'uploading', 'processing', 'inbox_delivered', 'published', 'failed', 'cancelled')) not null default 'queued', \`idempotency_key\` text null, \`post\` json not null, \`video_url\` text null, \`spool_path\` text null, \`sha256\` text null, \`video\` json null, \`chunk_size\` bigint null, \`total_chunks\` integer null, \`uploaded_bytes\` bigint not null default 0, \`uploaded_chunks\` integer not null default 0, \`init_started_at\` datetime null, \`publish_id\` text null, \`upload_url_ciphertext\` text null, \`upload_url_expires_at\` datetime null, \`tiktok_status\` text null, \`fail_reason\` text null, \`post_ids\` json not null, \`error\` json null, \`attempts\` integer not null default 0, \`next_action_at\` datetime null, \`lease_until\` datetime null, \`lease_owner\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`upload_tenant_id_foreign\` foreign key(\`tenant_id\`) references \`tenant\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`insert into \`upload__temp_alter\` select \`id\`, \`tenant_id\`, \`user_id\`, \`connection_id\`, \`mode\`, \`source\`, \`status\`, \`idempotency_key\`, \`post\`, \`video_url\`, \`spool_path\`, \`sha256\`, \`video\`, \`chunk_size\`, \`total_chunks\`, \`uploaded_bytes\`, \`uploaded_chunks\`, \`init_started_at\`, \`publish_id\`, \`upload_url_ciphertext\`, \`upload_url_expires_at\`, \`tiktok_status\`, \`fail_reason\`, \`post_ids\`, \`error\`, \`attempts\`, \`next_action_at\`, \`lease_until\`, \`lease_owner\`, \`created_at\`, \`updated_at\` from \`upload\`;`);
    this.addSql(`drop table \`upload\`;`);
    this.addSql(`alter table \`upload__temp_alter\` rename to \`upload\`;`);
    this.addSql(`create index \`upload_tenant_id_index\` on \`upload\` (\`tenant_id\`);`);
    this.addSql(`create index \`upload_connection_id_index\` on \`upload\` (\`connection_id\`);`);
    this.addSql(`create index \`upload_publish_id_index\` on \`upload\` (\`publish_id\`);`);
    this.addSql(`create index \`upload_status_next_action_at_index\` on \`upload\` (\`status\`, \`next_action_at\`);`);
    this.addSql(`create index \`upload_tenant_id_user_id_created_at_index\` on \`upload\` (\`tenant_id\`, \`user_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`upload_tenant_id_user_id_idempotency_key_unique\` on \`upload\` (\`tenant_id\`, \`user_id\`, \`idempotency_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
